package tflite

import (
	"crypto/sha256"
	"sync"
	"weak"
)

// A weightSet contains the float32 arrays that the interpreters of one
// model derive from its weights at load time. Nothing writes them after
// load, so every interpreter of the same model bytes shares one copy.
type weightSet struct {
	mu     sync.Mutex
	arrays map[weightKey][]float32
}

// A weightKey names one derived array: a tensor of the model in one form.
type weightKey struct {
	tensor int // index of the tensor in the subgraph
	form   weightForm
}

type weightForm int

const (
	weightDecoded    weightForm = iota // a float32 or float16 buffer as float32
	weightDensified                    // the dense output of DENSIFY
	weightTransposed                   // a [N, K] filter transposed to [K, N]
)

// weightSets maps the SHA-256 of a model's bytes to its weight set. The
// pointers are weak, so a set can be collected once no interpreter holds
// it, and a later New of that model then decodes the weights again.
var (
	weightSetsMu sync.Mutex
	weightSets   = map[[sha256.Size]byte]weak.Pointer[weightSet]{}
)

// sharedWeights returns the weight set of model, creating an empty one when
// no live interpreter holds it.
func sharedWeights(model []byte) *weightSet {
	sum := sha256.Sum256(model)
	weightSetsMu.Lock()
	defer weightSetsMu.Unlock()
	if s := weightSets[sum].Value(); s != nil {
		return s
	}
	s := &weightSet{arrays: map[weightKey][]float32{}}
	weightSets[sum] = weak.Make(s)
	return s
}

// get returns the array stored under key, computing it with build the
// first time. A nil set, which kernels built outside New in tests have,
// computes it every time and stores nothing.
func (s *weightSet) get(key weightKey, build func() ([]float32, error)) ([]float32, error) {
	if s == nil {
		return build()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.arrays[key]; ok {
		return a, nil
	}
	a, err := build()
	if err != nil {
		return nil, err
	}
	s.arrays[key] = a
	return a, nil
}

// transposed returns the [cols, rows] transpose of the row-major
// [rows, cols] filter, shared with the other interpreters of the model.
func (s *weightSet) transposed(filter *Tensor, rows, cols int) []float32 {
	a, _ := s.get(weightKey{filter.index, weightTransposed}, func() ([]float32, error) {
		return transpose(filter.Data, rows, cols), nil
	})
	return a
}
