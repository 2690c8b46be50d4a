package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sgemmCase is one product checked against naiveSgemm64.
type sgemmCase struct {
	name           string
	transA, transB bool
	m, n, k        int
	// padA, padB and padC are added to the minimum leading dimensions.
	padA, padB, padC int
	beta             float32
	// nanC fills C with NaN before the call, which beta 0 must ignore.
	nanC bool
	tol  float64
}

// sgemmCases crosses all four transpose combinations with odd and
// tile-sized shapes, padded leading dimensions and three betas. The
// tolerance is relative to the sum of |a·b| terms of each entry: 1e-5 is
// about 170 units of float32 roundoff (2⁻²⁴ ≈ 6e-8), well above the
// typical error of about √k units for the k ≤ 1000 used here.
func sgemmCases() []sgemmCase {
	shapes := [][3]int{
		{1, 1, 1}, {3, 17, 31}, {17, 3, 65}, {31, 65, 3}, {6, 16, 1},
		{7, 33, 17}, {65, 17, 300}, {13, 1, 257}, {1, 65, 129},
		{145, 20, 9}, {130, 40, 17}, {64, 10, 84}, {16, 150, 64},
	}
	var cases []sgemmCase
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			for _, beta := range []float32{0, 1, -0.75} {
				m, n, k := s[0], s[1], s[2]
				name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/beta=%g", m, n, k, tr[0], tr[1], beta)
				cases = append(cases, sgemmCase{name: name, transA: tr[0], transB: tr[1],
					m: m, n: n, k: k, beta: beta, tol: 1e-5})
				cases = append(cases, sgemmCase{name: name + "/padded", transA: tr[0],
					transB: tr[1], m: m, n: n, k: k, padA: 3, padB: 5, padC: 2,
					beta: beta, tol: 1e-5})
			}
		}
	}
	cases = append(cases,
		sgemmCase{name: "nanC/beta=0", m: 7, n: 19, k: 5, beta: 0, nanC: true, tol: 1e-5},
		sgemmCase{name: "nanC/beta=0/kBlocks", transB: true, m: 13, n: 21, k: 600,
			beta: 0, nanC: true, tol: 1e-5},
		sgemmCase{name: "k=0/beta=0", m: 5, n: 6, k: 0, beta: 0, nanC: true, tol: 0},
		sgemmCase{name: "k=0/beta=2", m: 5, n: 6, k: 0, beta: 2, tol: 0},
		sgemmCase{name: "kBlocks/beta=0.5", transA: true, m: 9, n: 40, k: 1000,
			beta: 0.5, tol: 1e-5},
	)
	return cases
}

// sgemmOperands are the row-major matrices of one case.
type sgemmOperands struct {
	a, b, c       []float32
	lda, ldb, ldc int
}

func newOperands(tc sgemmCase, seed uint64) sgemmOperands {
	rng := rand.New(rand.NewPCG(seed, 7))
	rowsA, colsA := tc.m, tc.k
	if tc.transA {
		rowsA, colsA = tc.k, tc.m
	}
	rowsB, colsB := tc.k, tc.n
	if tc.transB {
		rowsB, colsB = tc.n, tc.k
	}
	op := sgemmOperands{lda: colsA + tc.padA, ldb: colsB + tc.padB, ldc: tc.n + tc.padC}
	op.a = randomMatrix(rng, rowsA*op.lda)
	op.b = randomMatrix(rng, rowsB*op.ldb)
	op.c = randomMatrix(rng, tc.m*op.ldc)
	if tc.nanC {
		for i := range op.c {
			op.c[i] = float32(math.NaN())
		}
	}
	return op
}

func (op sgemmOperands) clone() sgemmOperands {
	op.c = append([]float32(nil), op.c...)
	return op
}

// naiveSgemm64 returns beta·C + op(A)·op(B) in float64, and beside it the
// sum of the magnitudes of each entry's terms, which scales its rounding
// error. Padding entries of C keep their old values.
func naiveSgemm64(tc sgemmCase, op sgemmOperands) (want, scale []float64) {
	want = make([]float64, len(op.c))
	scale = make([]float64, len(op.c))
	for i, v := range op.c {
		want[i] = float64(v)
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var sum, abs float64
			if tc.beta != 0 {
				sum = float64(tc.beta) * float64(op.c[i*op.ldc+j])
				abs = math.Abs(sum)
			}
			for p := 0; p < tc.k; p++ {
				term := float64(elementA(tc, op, i, p)) * float64(elementB(tc, op, p, j))
				sum += term
				abs += math.Abs(term)
			}
			want[i*op.ldc+j] = sum
			scale[i*op.ldc+j] = abs
		}
	}
	return want, scale
}

func elementA(tc sgemmCase, op sgemmOperands, i, p int) float32 {
	if tc.transA {
		return op.a[p*op.lda+i]
	}
	return op.a[i*op.lda+p]
}

func elementB(tc sgemmCase, op sgemmOperands, p, j int) float32 {
	if tc.transB {
		return op.b[j*op.ldb+p]
	}
	return op.b[p*op.ldb+j]
}

func runSgemm(gemm sgemmFunc, tc sgemmCase, op sgemmOperands) {
	gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, op.a, op.lda, op.b, op.ldb,
		tc.beta, op.c, op.ldc)
}

func checkAgainstNaive(t *testing.T, gemm sgemmFunc) {
	for _, tc := range sgemmCases() {
		t.Run(tc.name, func(t *testing.T) {
			op := newOperands(tc, 1)
			want, scale := naiveSgemm64(tc, op)
			runSgemm(gemm, tc, op)
			for idx, got := range op.c {
				diff := math.Abs(float64(got) - want[idx])
				if !(diff <= tc.tol*(scale[idx]+1e-30)) && float64(got) != want[idx] {
					t.Fatalf("c[%d] (row %d, col %d) = %g, want %g (tol %g × %g)",
						idx, idx/op.ldc, idx%op.ldc, got, want[idx], tc.tol, scale[idx])
				}
			}
		})
	}
}

func TestSgemmMatchesFloat64(t *testing.T) {
	checkAgainstNaive(t, Sgemm)
}

func TestSgemmGenericMatchesFloat64(t *testing.T) {
	checkAgainstNaive(t, sgemmGeneric)
}

// TestSgemmFastMatchesGeneric compares the AVX2 kernel with the pure-Go
// loop directly. They round differently (FMA, blocked sums), so the
// tolerance is the same relative bound as against float64.
func TestSgemmFastMatchesGeneric(t *testing.T) {
	if !hasFastSgemm {
		t.Skip("no AVX2/FMA kernel in this build or on this CPU")
	}
	for _, tc := range sgemmCases() {
		if tc.k == 0 {
			continue // Sgemm handles k == 0 before reaching either kernel.
		}
		t.Run(tc.name, func(t *testing.T) {
			fast := newOperands(tc, 3)
			generic := fast.clone()
			_, scale := naiveSgemm64(tc, fast)
			if !sgemmFast(tc.transA, tc.transB, tc.m, tc.n, tc.k, fast.a, fast.lda,
				fast.b, fast.ldb, tc.beta, fast.c, fast.ldc) {
				t.Fatal("sgemmFast could not allocate its packing buffers")
			}
			runSgemm(sgemmGeneric, tc, generic)
			for idx := range fast.c {
				diff := math.Abs(float64(fast.c[idx]) - float64(generic.c[idx]))
				if !(diff <= 2*tc.tol*(scale[idx]+1)) {
					t.Fatalf("c[%d]: fast %g, generic %g", idx, fast.c[idx], generic.c[idx])
				}
			}
		})
	}
}

// TestSgemmDeterministic runs each case from several goroutines at once
// and requires bit-identical results, so per-thread packing buffers and
// blocking never change the rounding.
func TestSgemmDeterministic(t *testing.T) {
	for _, tc := range sgemmCases() {
		t.Run(tc.name, func(t *testing.T) {
			base := newOperands(tc, 5)
			first := base.clone()
			runSgemm(Sgemm, tc, first)

			const runs = 4
			results := make([]sgemmOperands, runs)
			done := make(chan struct{})
			for r := range results {
				results[r] = base.clone()
				go func() {
					runSgemm(Sgemm, tc, results[r])
					done <- struct{}{}
				}()
			}
			for range results {
				<-done
			}
			for r, res := range results {
				for idx := range res.c {
					if math.Float32bits(res.c[idx]) != math.Float32bits(first.c[idx]) {
						t.Fatalf("run %d: c[%d] = %g, first run %g", r, idx, res.c[idx], first.c[idx])
					}
				}
			}
		})
	}
}

func TestSgemmPanicsOnShortSlice(t *testing.T) {
	tests := []struct {
		name string
		call func()
	}{
		{"short a", func() {
			Sgemm(false, false, 2, 2, 2, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}},
		{"short b transposed", func() {
			Sgemm(false, true, 2, 3, 2, make([]float32, 4), 2, make([]float32, 5), 2, 0, make([]float32, 6), 3)
		}},
		{"short c", func() {
			Sgemm(false, false, 2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		}},
		{"small lda", func() {
			Sgemm(false, false, 2, 2, 3, make([]float32, 9), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, nil, 2, nil, 2, 0, nil, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Sgemm did not panic")
				}
			}()
			tt.call()
		})
	}
}
