package models

import (
	"fmt"
	"slices"
)

// Tensor is a dense row-major float32 array. The first dimension of a
// layer's input and output is the batch.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: slices.Clone(shape), Data: make([]float32, numel(shape))}
}

// FromData wraps data in a tensor of the given shape. It panics when the
// sizes disagree, which is a programming error.
func FromData(data []float32, shape ...int) *Tensor {
	if len(data) != numel(shape) {
		panic(fmt.Sprintf("models: %d values do not fill shape %v", len(data), shape))
	}
	return &Tensor{Shape: slices.Clone(shape), Data: data}
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Batch returns the size of the first dimension.
func (t *Tensor) Batch() int { return t.Shape[0] }

// SampleLen returns the number of elements per batch item.
func (t *Tensor) SampleLen() int { return numel(t.Shape[1:]) }

// Sample returns the values of batch item i, sharing memory with t.
func (t *Tensor) Sample(i int) []float32 {
	n := t.SampleLen()
	return t.Data[i*n : (i+1)*n]
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ensure returns t when it already has the given shape and a new tensor
// otherwise, so that layers reuse their buffers from batch to batch.
func ensure(t *Tensor, shape ...int) *Tensor {
	if t != nil && slices.Equal(t.Shape, shape) {
		return t
	}
	return NewTensor(shape...)
}
