package tflite

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
)

// A Tensor is one tensor of a loaded model: its shape (NHWC for images)
// and, for float32 tensors, its values. Constant tensors hold the model's
// weights. Activation tensors are allocated once at load time and
// overwritten by every Invoke. Intermediate ones share an arena, so their
// Data holds their own values only between the operator that writes them
// and the last that reads them.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32

	ints      []int32 // values of constant int32 tensors (shapes, paddings, axes)
	constant  bool
	sparse    *tensorDef // set for a sparse constant, which DENSIFY expands
	sparseRaw []byte     // the stored values of a sparse constant
	index     int        // position in the subgraph's tensors
}

// Len returns the number of elements that Shape describes.
func (t *Tensor) Len() int { return shapeSize(t.Shape) }

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// A kernel is one operator, bound to its tensors and scratch space at load
// time, so that run allocates nothing.
type kernel interface {
	run()
	// flops returns the floating-point operations of one run: two per
	// multiply-add, one per other arithmetic operation.
	flops() int64
}

// Interpreter runs the first subgraph of a TFLite model in float32.
// It is not safe for concurrent use: run one Interpreter per goroutine
// (they may share the model bytes).
type Interpreter struct {
	tensors   []*Tensor
	kernels   []kernel
	inputs    []int
	outputs   []int
	histogram map[string]int
	flopCount int64
	scratches [][]float32      // im2col buffers that the convolutions share, one per thread
	steps     []step           // each kernel's operands, in execution order
	arena     []float32        // the intermediate activations, placed by lifetime
	inArena   map[*Tensor]bool // the tensors whose Data is a slice of arena
	weights   *weightSet       // float32 weights shared with the model's other interpreters

	skipped []bool // per kernel: Invoke skips it, set by SkipOutputs

	threads     int         // goroutines per Invoke, set by SetThreads
	pool        *workerPool // the threads−1 workers, nil for one thread
	poolCleanup runtime.Cleanup
}

// New loads a TFLite model, expands its float16 and sparse weights to dense
// float32, and prepares every operator. It returns an error naming the
// operator or tensor when the model uses something this package does not
// run.
func New(model []byte) (*Interpreter, error) {
	return newInterpreter(model, true)
}

// newInterpreter is New, with the intermediate activations in one planned
// arena when planned is true or each in a buffer of its own otherwise.
func newInterpreter(model []byte, planned bool) (*Interpreter, error) {
	flat, err := parseModel(model)
	if err != nil {
		return nil, fmt.Errorf("tflite: %w", err)
	}
	ip := &Interpreter{histogram: map[string]int{}, weights: sharedWeights(model),
		threads: 1, scratches: make([][]float32, 1)}
	if err := ip.loadTensors(flat); err != nil {
		return nil, fmt.Errorf("tflite: %w", err)
	}
	for i, op := range flat.operators {
		if err := ip.addOperator(flat, op); err != nil {
			return nil, fmt.Errorf("tflite: operator %d: %w", i, err)
		}
	}
	ip.allocateActivations(planned)
	for _, k := range ip.kernels {
		ip.flopCount += k.flops()
	}
	return ip, nil
}

// Invoke runs the model on the values in the input tensors and leaves the
// results in the output tensors.
func (ip *Interpreter) Invoke() {
	if ip.pool != nil {
		ip.pool.wakeWorkers()
	}
	for i, k := range ip.kernels {
		if ip.skipped == nil || !ip.skipped[i] {
			ip.runKernel(k)
		}
	}
}

// NumInputs returns the number of the model's input tensors.
func (ip *Interpreter) NumInputs() int { return len(ip.inputs) }

// NumOutputs returns the number of the model's output tensors.
func (ip *Interpreter) NumOutputs() int { return len(ip.outputs) }

// Input returns the i-th input tensor, to be filled before Invoke.
func (ip *Interpreter) Input(i int) *Tensor { return ip.tensors[ip.inputs[i]] }

// Output returns the i-th output tensor. Its Data is overwritten by the
// next Invoke.
func (ip *Interpreter) Output(i int) *Tensor { return ip.tensors[ip.outputs[i]] }

// FLOPs returns the floating-point operations of one Invoke, counting two
// per multiply-add in convolutions and fully connected layers and one per
// output element elsewhere. Operators that SkipOutputs skips do not count.
func (ip *Interpreter) FLOPs() int64 { return ip.flopCount - ip.skippedFLOPs() }

// OpHistogram returns how many operators of each kind the model contains,
// keyed by TFLite's operator name, including the DEQUANTIZE and DENSIFY
// operators that were evaluated at load time.
func (ip *Interpreter) OpHistogram() map[string]int {
	out := make(map[string]int, len(ip.histogram))
	for k, v := range ip.histogram {
		out[k] = v
	}
	return out
}

// Close stops the worker goroutines that SetThreads started, and the
// Interpreter then runs on one thread. It is safe to call more than once.
func (ip *Interpreter) Close() error {
	ip.stopWorkers()
	ip.threads = 1
	return nil
}

func (ip *Interpreter) loadTensors(flat *flatModel) error {
	for i := range flat.tensors {
		def := &flat.tensors[i]
		t, err := newTensor(flat, def, i, ip.weights)
		if err != nil {
			return fmt.Errorf("tensor %d %q: %w", i, def.name, err)
		}
		ip.tensors = append(ip.tensors, t)
	}
	for _, list := range []struct {
		src []int32
		dst *[]int
	}{{flat.inputs, &ip.inputs}, {flat.outputs, &ip.outputs}} {
		for _, idx := range list.src {
			t, err := ip.tensor(idx)
			if err != nil {
				return err
			}
			ip.allocate(t)
			*list.dst = append(*list.dst, int(idx))
		}
	}
	return nil
}

// newTensor decodes a constant tensor's buffer, or takes it from weights
// when another interpreter of the model already did. Activation tensors
// get their Data later, from allocate.
func newTensor(flat *flatModel, def *tensorDef, index int,
	weights *weightSet) (*Tensor, error) {
	t := &Tensor{Name: def.name, Shape: slices.Clone(def.shape), index: index}
	if def.buffer < 0 || def.buffer >= len(flat.buffers) {
		return nil, fmt.Errorf("buffer %d out of range", def.buffer)
	}
	raw := flat.buffers[def.buffer]
	if len(raw) == 0 {
		return t, nil
	}
	t.constant = true
	if def.sparse {
		// The buffer holds only the stored values; DENSIFY places them.
		if def.dtype != typeFloat32 && def.dtype != typeFloat16 {
			return nil, fmt.Errorf("sparse tensor of type %s not supported", def.dtype)
		}
		t.sparse, t.sparseRaw = def, raw
		return t, nil
	}
	size := def.dtype.size()
	if size == 0 || len(raw) != size*t.Len() {
		return nil, fmt.Errorf("%s buffer of %d bytes for shape %v",
			def.dtype, len(raw), def.shape)
	}
	switch def.dtype {
	case typeFloat32, typeFloat16:
		t.Data, _ = weights.get(weightKey{index, weightDecoded}, func() ([]float32, error) {
			return decodeFloats(raw, def.dtype), nil
		})
	case typeInt32:
		t.ints = make([]int32, t.Len())
		for i := range t.ints {
			t.ints[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	default:
		return nil, fmt.Errorf("constant of type %s not supported", def.dtype)
	}
	return t, nil
}

// decodeFloats converts little-endian float32 or float16 values to float32.
// Every float16 value is exactly representable in float32.
func decodeFloats(raw []byte, dtype dataType) []float32 {
	size := dtype.size()
	out := make([]float32, len(raw)/size)
	for i := range out {
		if dtype == typeFloat16 {
			out[i] = float16ToFloat32(binary.LittleEndian.Uint16(raw[2*i:]))
		} else {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	}
	return out
}

// float16ToFloat32 converts an IEEE 754 binary16 value.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: value = mant · 2^-24.
	v := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

func (ip *Interpreter) tensor(idx int32) (*Tensor, error) {
	if idx < 0 || int(idx) >= len(ip.tensors) {
		return nil, fmt.Errorf("tensor index %d out of range [0, %d)", idx, len(ip.tensors))
	}
	return ip.tensors[idx], nil
}

// allocate gives an activation tensor its buffer, once.
func (ip *Interpreter) allocate(t *Tensor) {
	if t.Data == nil && !t.constant {
		t.Data = make([]float32, t.Len())
	}
}
