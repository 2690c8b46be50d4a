package tflite

import "fmt"

// addOperator evaluates DEQUANTIZE and DENSIFY of constant weights at once
// and turns every other operator into a kernel.
func (ip *Interpreter) addOperator(flat *flatModel, def operatorDef) error {
	if def.opcode < 0 || def.opcode >= len(flat.opcodes) {
		return fmt.Errorf("opcode index %d out of range", def.opcode)
	}
	code := flat.opcodes[def.opcode]
	ip.histogram[code.builtin.String()]++
	ins, err := ip.operands(def.inputs)
	if err != nil {
		return err
	}
	outs, err := ip.operands(def.outputs)
	if err != nil {
		return err
	}
	if len(outs) != 1 || outs[0] == nil || len(ins) == 0 || ins[0] == nil {
		return fmt.Errorf("%s with %d inputs and %d outputs", code.builtin, len(ins), len(outs))
	}

	switch code.builtin {
	case opDequantize:
		return dequantize(ins[0], outs[0])
	case opDensify:
		return densify(ins[0], outs[0], ip.weights)
	}
	k, err := ip.newKernel(code, ins, outs, def)
	if err != nil {
		return fmt.Errorf("%s: %w", code.builtin, err)
	}
	ip.kernels = append(ip.kernels, k)
	ip.steps = append(ip.steps, step{ins: ins, out: outs[0]})
	return nil
}

// operands resolves tensor indices; -1, an omitted optional input, becomes
// nil.
func (ip *Interpreter) operands(indices []int32) ([]*Tensor, error) {
	out := make([]*Tensor, len(indices))
	for i, idx := range indices {
		if idx == -1 {
			continue
		}
		t, err := ip.tensor(idx)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

func (ip *Interpreter) newKernel(code opcode, ins, outs []*Tensor,
	def operatorDef) (kernel, error) {
	opts := def.options
	if !def.hasOpts {
		opts = emptyTable
	}
	need := map[builtinOp]int{
		opAdd: 2, opConv2D: 2, opDepthwiseConv: 2, opFullyConnected: 2,
		opPRelu: 2, opPad: 2, opResizeBilinear: 2, opMean: 2,
	}
	if len(ins) < need[code.builtin] {
		return nil, fmt.Errorf("%d inputs, expected %d", len(ins), need[code.builtin])
	}
	for _, t := range ins[:max(need[code.builtin], 1)] {
		if t == nil {
			return nil, fmt.Errorf("required input missing")
		}
	}
	switch code.builtin {
	case opConv2D:
		return ip.newConv2D(ins, outs, opts)
	case opDepthwiseConv:
		return newDepthwiseConv2D(ins, outs, opts)
	case opFullyConnected:
		return ip.newFullyConnected(ins, outs, opts)
	case opAdd:
		return newAdd(ins, outs, opts)
	case opPRelu:
		return newPRelu(ins, outs)
	case opLogistic:
		return newLogistic(ins, outs)
	case opMaxPool2D:
		return newMaxPool2D(ins, outs, opts)
	case opPad:
		return newPad(ins, outs)
	case opResizeBilinear:
		return newResizeBilinear(ins, outs, opts)
	case opReshape:
		return newReshape(ins, outs)
	case opConcatenation:
		return newConcatenation(ins, outs, opts)
	case opMean:
		return newMean(ins, outs)
	case opDepthToSpace:
		return newDepthToSpace(ins, outs, opts)
	}
	if code.custom != "" {
		return nil, fmt.Errorf("custom operator %q not supported", code.custom)
	}
	return nil, fmt.Errorf("operator not supported")
}

// emptyTable reads as a table with no fields, so options take their
// schema defaults when an operator has none.
var emptyTable = table{buf: flatbuffer{4, 0, 4, 0, 4, 0, 0, 0}, pos: 4}

// dequantize turns float16 weights into float32. The values were already
// widened when the tensor was loaded, so the output shares them.
func dequantize(in, out *Tensor) error {
	if !in.constant || in.Data == nil {
		return fmt.Errorf("DEQUANTIZE of %q: only constant float16 weights are supported",
			in.Name)
	}
	if in.Len() != out.Len() {
		return fmt.Errorf("DEQUANTIZE from %v to %v", in.Shape, out.Shape)
	}
	out.Data, out.constant = in.Data, true
	return nil
}

// densify expands sparse weights to dense ones, once per model.
func densify(in, out *Tensor, weights *weightSet) error {
	if in.sparse == nil {
		return fmt.Errorf("DENSIFY of %q: input is not a sparse constant", in.Name)
	}
	def := in.sparse
	var err error
	out.Data, err = weights.get(weightKey{out.index, weightDensified}, func() ([]float32, error) {
		values := decodeFloats(in.sparseRaw, def.dtype)
		d, err := newDensifier(def.sparsity, def.shape, values)
		if err != nil {
			return nil, err
		}
		return d.densify()
	})
	if err != nil {
		return fmt.Errorf("DENSIFY of %q: %w", in.Name, err)
	}
	out.constant = true
	return nil
}

// reserveScratch makes every thread's scratch buffer at least n long and
// returns the buffers. Kernels share them because they run one at a time.
func (ip *Interpreter) reserveScratch(n int) *[][]float32 {
	if len(ip.scratches) == 0 {
		ip.scratches = make([][]float32, 1)
	}
	for i, buf := range ip.scratches {
		if len(buf) < n {
			ip.scratches[i] = make([]float32, n)
		}
	}
	return &ip.scratches
}
