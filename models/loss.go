package models

import "math"

// CrossEntropy computes the softmax cross-entropy of logits [N, K] against
// integer labels, as PyTorch's F.cross_entropy with mean reduction:
//
//	loss = −(1/N) Σᵢ log softmax(logitsᵢ)[labelᵢ]
//
// It returns the mean loss, the number of correct argmax predictions, and
// the gradient dLoss/dLogits [N, K] in grad (allocated when nil). Sums run
// in float64.
func CrossEntropy(logits *Tensor, labels []int, grad *Tensor) (float64, int, *Tensor) {
	n, k := logits.Shape[0], logits.Shape[1]
	grad = ensure(grad, n, k)
	var total float64
	correct := 0
	for i := range n {
		row := logits.Data[i*k : (i+1)*k]
		probs := grad.Data[i*k : (i+1)*k]
		logSumExp := softmaxInto(row, probs)
		total += logSumExp - float64(row[labels[i]])
		if argmax(row) == labels[i] {
			correct++
		}
		probs[labels[i]] -= 1
		for j := range probs {
			probs[j] /= float32(n)
		}
	}
	return total / float64(n), correct, grad
}

// softmaxInto writes softmax(logits) into probs and returns
// log Σ exp(logits), computed stably in float64.
func softmaxInto(logits, probs []float32) float64 {
	top := float64(logits[argmax(logits)])
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v) - top)
	}
	for j, v := range logits {
		probs[j] = float32(math.Exp(float64(v)-top) / sum)
	}
	return top + math.Log(sum)
}

// Softmax returns the softmax of each row of logits [N, K].
func Softmax(logits *Tensor) *Tensor {
	n, k := logits.Shape[0], logits.Shape[1]
	out := NewTensor(n, k)
	for i := range n {
		softmaxInto(logits.Data[i*k:(i+1)*k], out.Data[i*k:(i+1)*k])
	}
	return out
}

func argmax(row []float32) int {
	best := 0
	for j, v := range row {
		if v > row[best] || (math.IsNaN(float64(v)) && !math.IsNaN(float64(row[best]))) {
			best = j
		}
	}
	return best
}

// Argmax returns the index of the largest value of a row; the first one
// wins a tie.
func Argmax(row []float32) int { return argmax(row) }
