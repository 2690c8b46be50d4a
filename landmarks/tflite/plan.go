package tflite

import (
	"cmp"
	"slices"
)

// Intermediate activations share one arena. Each tensor that an operator
// writes, other than the graph's inputs and outputs, is live from the
// operator that writes it to the last operator that reads it, and two
// tensors whose lifetimes overlap never overlap in the arena. Offsets are
// assigned greedily by size: tensors are placed largest first, each in the
// smallest gap between the already placed tensors it coexists with.

// arenaAlign is the offset alignment in float32 elements: 64 bytes, one
// cache line and a whole AVX-512 register.
const arenaAlign = 16

// A step is one kernel's operands, kept for planning the arena.
type step struct {
	ins []*Tensor
	out *Tensor
}

// A lifetime is the span of steps, inclusive, over which a tensor is live,
// and its place in the arena once planned.
type lifetime struct {
	tensor      *Tensor
	first, last int // steps that write it and last read it
	size        int // elements, rounded up to arenaAlign
	offset      int
}

// allocateActivations gives every operator output that has no buffer yet
// its Data: a slice of one shared arena when planned is true, or a buffer
// of its own otherwise.
func (ip *Interpreter) allocateActivations(planned bool) {
	if !planned {
		for _, s := range ip.steps {
			ip.allocate(s.out)
		}
		return
	}
	lives := ip.lifetimes()
	size := placeLifetimes(lives)
	ip.arena = make([]float32, size)
	ip.inArena = map[*Tensor]bool{}
	for _, l := range lives {
		ip.inArena[l.tensor] = true
		n := l.tensor.Len()
		l.tensor.Data = ip.arena[l.offset : l.offset+n : l.offset+n]
	}
}

// lifetimes lists the tensors to place in the arena: those that a step
// writes and that have no buffer, so neither constants nor graph inputs
// and outputs.
func (ip *Interpreter) lifetimes() []*lifetime {
	byTensor := map[*Tensor]*lifetime{}
	var lives []*lifetime
	for i, s := range ip.steps {
		if s.out.Data != nil || s.out.constant {
			continue
		}
		size := (s.out.Len() + arenaAlign - 1) / arenaAlign * arenaAlign
		l := &lifetime{tensor: s.out, first: i, last: i, size: size}
		byTensor[s.out] = l
		lives = append(lives, l)
	}
	for i, s := range ip.steps {
		for _, in := range s.ins {
			if l := byTensor[in]; l != nil {
				l.last = max(l.last, i)
			}
		}
	}
	return lives
}

// placeLifetimes sets each lifetime's offset and returns the arena length.
// Lifetimes are inclusive at both ends, so an operator's output never
// shares memory with any of its inputs.
func placeLifetimes(lives []*lifetime) int {
	order := slices.Clone(lives)
	slices.SortStableFunc(order, func(a, b *lifetime) int { return cmp.Compare(b.size, a.size) })
	var placed []*lifetime // sorted by offset
	arenaLen := 0
	for _, l := range order {
		l.offset = bestGap(placed, l)
		arenaLen = max(arenaLen, l.offset+l.size)
		at, _ := slices.BinarySearchFunc(placed, l.offset, func(p *lifetime, off int) int {
			return cmp.Compare(p.offset, off)
		})
		placed = slices.Insert(placed, at, l)
	}
	return arenaLen
}

// bestGap returns the offset of the smallest gap that fits l between the
// placed lifetimes that overlap it in time, or the highest end among them
// when no gap fits.
func bestGap(placed []*lifetime, l *lifetime) int {
	best, bestSize := -1, 0
	end := 0 // end of the overlapping tensors seen so far
	for _, p := range placed {
		if p.last < l.first || p.first > l.last {
			continue
		}
		if gap := p.offset - end; gap >= l.size && (best < 0 || gap < bestSize) {
			best, bestSize = end, gap
		}
		end = max(end, p.offset+p.size)
	}
	if best < 0 {
		return end
	}
	return best
}

// activationBytes returns the bytes of the buffers that operators write:
// the arena, the graph's inputs and outputs, the tensors outside the arena
// and the shared im2col scratch.
func (ip *Interpreter) activationBytes() int {
	n := len(ip.arena)
	for _, buf := range ip.scratches {
		n += len(buf)
	}
	seen := map[*Tensor]bool{}
	for _, idx := range slices.Concat(ip.inputs, ip.outputs) {
		seen[ip.tensors[idx]] = true
	}
	for _, s := range ip.steps {
		if !s.out.constant && !ip.inArena[s.out] {
			seen[s.out] = true
		}
	}
	for t := range seen {
		n += len(t.Data)
	}
	return 4 * n
}
