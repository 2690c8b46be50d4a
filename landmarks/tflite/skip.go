package tflite

import "fmt"

// SkipOutputs marks outputs (indices as for Output) that the caller does
// not read. Invoke then skips every operator whose result reaches none of
// the other outputs, and the skipped outputs keep stale values. Each call replaces the previous set, so SkipOutputs()
// runs the whole model again. It returns an error, and changes nothing,
// when an index is out of range.
func (ip *Interpreter) SkipOutputs(indices ...int) error {
	skip := make(map[*Tensor]bool, len(indices))
	for _, i := range indices {
		if i < 0 || i >= len(ip.outputs) {
			return fmt.Errorf("tflite: output %d out of range [0, %d)", i, len(ip.outputs))
		}
		skip[ip.tensors[ip.outputs[i]]] = true
	}
	needed := map[*Tensor]bool{}
	for _, idx := range ip.outputs {
		if t := ip.tensors[idx]; !skip[t] {
			needed[t] = true
		}
	}
	// Walking the operators backwards, an operator runs when its output is
	// needed, and then its inputs are needed too.
	ip.skipped = make([]bool, len(ip.steps))
	for i := len(ip.steps) - 1; i >= 0; i-- {
		s := ip.steps[i]
		if !needed[s.out] {
			ip.skipped[i] = true
			continue
		}
		for _, in := range s.ins {
			if in != nil {
				needed[in] = true
			}
		}
	}
	return nil
}

// skippedFLOPs returns the floating-point operations of the operators that
// Invoke skips.
func (ip *Interpreter) skippedFLOPs() int64 {
	var n int64
	for i, k := range ip.kernels {
		if ip.skipped != nil && ip.skipped[i] {
			n += k.flops()
		}
	}
	return n
}
