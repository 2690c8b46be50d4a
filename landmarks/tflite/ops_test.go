package tflite

import (
	"encoding/binary"
	"math"
	"testing"
)

// Expected values in this file are worked out by hand from the semantics
// of TFLite's reference kernels (tensorflow/lite/kernels/internal/
// reference); each case shows its arithmetic.

// optionsTable builds a flatbuffer table whose field i holds fields[i] as
// a 4-byte little-endian value, so byte and bool fields read their low
// byte.
func optionsTable(fields map[int]int32) table {
	n := 0
	for i := range fields {
		n = max(n, i+1)
	}
	vtableSize := 4 + 2*n
	pos := (vtableSize + 3) &^ 3
	buf := make([]byte, pos+4+4*n)
	binary.LittleEndian.PutUint16(buf[0:], uint16(vtableSize))
	binary.LittleEndian.PutUint16(buf[2:], uint16(4+4*n))
	binary.LittleEndian.PutUint32(buf[pos:], uint32(pos))
	for i, v := range fields {
		binary.LittleEndian.PutUint16(buf[4+2*i:], uint16(4+4*i))
		binary.LittleEndian.PutUint32(buf[pos+4+4*i:], uint32(v))
	}
	return table{buf: buf, pos: pos}
}

func activationTensor(shape ...int) *Tensor {
	return &Tensor{Shape: shape, Data: make([]float32, shapeSize(shape))}
}

func constTensor(data []float32, shape ...int) *Tensor {
	return &Tensor{Shape: shape, Data: data, constant: true}
}

func intTensor(values []int32, shape ...int) *Tensor {
	return &Tensor{Shape: shape, ints: values, constant: true}
}

func checkValues(t *testing.T, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values %v, expected %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > tol {
			t.Errorf("element %d: got %g, expected %g (all: %v)", i, got[i], want[i], got)
		}
	}
}

func countUp(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(i + 1)
	}
	return out
}

func TestConv2DSamePaddingStride2(t *testing.T) {
	// 3×3 input 1..9, 3×3 filter of ones, stride 2, SAME: 2×2 output,
	// padding 1 before. Sums 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24,
	// 5+6+8+9=28; bias −14 gives −2, 2, 10, 14; RELU6 gives 0, 2, 6, 6.
	in, out := activationTensor(1, 3, 3, 1), activationTensor(1, 2, 2, 1)
	copy(in.Data, countUp(9))
	filter := constTensor([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, 3, 1)
	bias := constTensor([]float32{-14}, 1)
	opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: 2, 2: 2, 3: int32(actRelu6)})
	ip := &Interpreter{}
	k, err := ip.newConv2D([]*Tensor{in, filter, bias}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{0, 2, 6, 6}, 0)
	if got := k.flops(); got != 2*4*9 {
		t.Errorf("flops %d, expected %d", got, 2*4*9)
	}
}

func TestConv2DPointwiseIsMatrixProduct(t *testing.T) {
	// 1×1 convolution of two pixels (1, 2) and (3, 4) with filters
	// (1, 1) and (1, −1): (3, −1) and (7, −1), plus bias (0, 10).
	in, out := activationTensor(1, 1, 2, 2), activationTensor(1, 1, 2, 2)
	copy(in.Data, []float32{1, 2, 3, 4})
	filter := constTensor([]float32{1, 1, 1, -1}, 2, 1, 1, 2)
	bias := constTensor([]float32{0, 10}, 2)
	opts := optionsTable(map[int]int32{0: int32(paddingValid), 1: 1, 2: 1})
	k, err := (&Interpreter{}).newConv2D([]*Tensor{in, filter, bias}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{3, 9, 7, 9}, 0)
}

func TestDepthwiseConv2DMultiplier2(t *testing.T) {
	// One channel 1, 2, 3, 4 under a 2×2 window, VALID, depth multiplier
	// 2: filters of ones and of minus ones give 10 and −10, plus 0.5.
	in, out := activationTensor(1, 2, 2, 1), activationTensor(1, 1, 1, 2)
	copy(in.Data, countUp(4))
	filter := constTensor([]float32{1, -1, 1, -1, 1, -1, 1, -1}, 1, 2, 2, 2)
	bias := constTensor([]float32{0.5, 0.5}, 2)
	opts := optionsTable(map[int]int32{0: int32(paddingValid), 1: 1, 2: 1, 3: 2})
	k, err := newDepthwiseConv2D([]*Tensor{in, filter, bias}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{10.5, -9.5}, 0)
}

func TestDepthwiseConv2DSamePadding(t *testing.T) {
	// Two channels of a 3×3 input (1..9 and 10× that), 3×3 filter of
	// ones, SAME, stride 1: the centre sees all nine (45, 450), the
	// top-left corner four (1+2+4+5 = 12, 120).
	in, out := activationTensor(1, 3, 3, 2), activationTensor(1, 3, 3, 2)
	for i := 0; i < 9; i++ {
		in.Data[2*i], in.Data[2*i+1] = float32(i+1), float32(10*(i+1))
	}
	ones := make([]float32, 18)
	for i := range ones {
		ones[i] = 1
	}
	filter := constTensor(ones, 1, 3, 3, 2)
	opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: 1, 2: 1, 3: 1})
	k, err := newDepthwiseConv2D([]*Tensor{in, filter, nil}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data[0:2], []float32{12, 120}, 0)
	checkValues(t, out.Data[8:10], []float32{45, 450}, 0)
}

func TestFullyConnectedRelu(t *testing.T) {
	// (1, 2, 3)·(1, 0, −1) + 1 = −1 → RELU 0; (1, 2, 3)·(2, 2, 2) = 12.
	in, out := activationTensor(1, 3), activationTensor(1, 2)
	copy(in.Data, []float32{1, 2, 3})
	weights := constTensor([]float32{1, 0, -1, 2, 2, 2}, 2, 3)
	bias := constTensor([]float32{1, 0}, 2)
	opts := optionsTable(map[int]int32{0: int32(actRelu)})
	k, err := (&Interpreter{}).newFullyConnected([]*Tensor{in, weights, bias}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{0, 12}, 0)
}

func TestAddBroadcast(t *testing.T) {
	tests := []struct {
		name  string
		b     *Tensor
		want  []float32
		kindB broadcastKind
	}{
		// (1..8) + (10, 20) repeated along the channels.
		{"channels", constTensor([]float32{10, 20}, 2),
			[]float32{11, 22, 13, 24, 15, 26, 17, 28}, broadcastRepeat},
		// Rows get 100 and 200.
		{"rows", constTensor([]float32{100, 200}, 1, 2, 1, 1),
			[]float32{101, 102, 103, 104, 205, 206, 207, 208}, broadcastGather},
		{"same", constTensor(countUp(8), 1, 2, 2, 2),
			[]float32{2, 4, 6, 8, 10, 12, 14, 16}, broadcastSame},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, out := activationTensor(1, 2, 2, 2), activationTensor(1, 2, 2, 2)
			copy(a.Data, countUp(8))
			k, err := newAdd([]*Tensor{a, tc.b}, []*Tensor{out}, optionsTable(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := k.(*add).castB.kind; got != tc.kindB {
				t.Errorf("broadcast kind %d, expected %d", got, tc.kindB)
			}
			k.run()
			checkValues(t, out.Data, tc.want, 0)
		})
	}
}

func TestAddRejectsIncompatibleShapes(t *testing.T) {
	a, out := activationTensor(1, 2, 2, 2), activationTensor(1, 2, 2, 2)
	b := constTensor([]float32{1, 2, 3}, 3)
	if _, err := newAdd([]*Tensor{a, b}, []*Tensor{out}, optionsTable(nil)); err == nil {
		t.Fatal("ADD of [1 2 2 2] and [3] returned no error")
	}
}

func TestPReluPerChannel(t *testing.T) {
	// Channels alternate; alpha 0.5 for channel 0 and 0.25 for channel 1:
	// −2·0.5 = −1, −4·0.25 = −1, 3 stays, −8·0.25 = −2.
	in, out := activationTensor(1, 1, 2, 2), activationTensor(1, 1, 2, 2)
	copy(in.Data, []float32{-2, -4, 3, -8})
	alpha := constTensor([]float32{0.5, 0.25}, 1, 1, 2)
	k, err := newPRelu([]*Tensor{in, alpha}, []*Tensor{out})
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{-1, -1, 3, -2}, 0)
}

func TestLogistic(t *testing.T) {
	// σ(0) = 0.5, σ(ln 3) = 3/4, σ(−ln 3) = 1/4.
	in, out := activationTensor(3), activationTensor(3)
	copy(in.Data, []float32{0, float32(math.Log(3)), -float32(math.Log(3))})
	k, err := newLogistic([]*Tensor{in}, []*Tensor{out})
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{0.5, 0.75, 0.25}, 1e-6)
}

func TestMaxPoolSamePadsAfter(t *testing.T) {
	// 3×3 input 1..9, 2×2 window, stride 2, SAME: one padding row and
	// column, both after, so windows are {1,2,4,5}, {3,6}, {7,8}, {9}.
	in, out := activationTensor(1, 3, 3, 1), activationTensor(1, 2, 2, 1)
	copy(in.Data, countUp(9))
	opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: 2, 2: 2, 3: 2, 4: 2})
	k, err := newMaxPool2D([]*Tensor{in}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{5, 6, 8, 9}, 0)
}

func TestPadZeros(t *testing.T) {
	// [1 1 2 1] padded by one row before and one column after.
	in, out := activationTensor(1, 1, 2, 1), activationTensor(1, 2, 3, 1)
	copy(in.Data, []float32{1, 2})
	paddings := intTensor([]int32{0, 0, 1, 0, 0, 1, 0, 0}, 4, 2)
	k, err := newPad([]*Tensor{in, paddings}, []*Tensor{out})
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	k.run() // a second run must leave the padding zero
	checkValues(t, out.Data, []float32{0, 0, 0, 1, 2, 0}, 0)
}

func TestResizeBilinear(t *testing.T) {
	// Input f(y, x) = 2y + x on 2×2, resized to 3×3. Sample positions:
	// plain: scale 2/3, so 0, 2/3, 4/3 (clamped to row 1);
	// align_corners: scale 1/2, so 0, 1/2, 1;
	// half_pixel_centers: (i + 0.5)·2/3 − 0.5 = −1/6, 1/2, 7/6, where
	// −1/6 and 7/6 fall on rows 0 and 1 exactly.
	tests := []struct {
		name       string
		align, hpc int32
		want       []float32
	}{
		{"plain", 0, 0, []float32{0, 2. / 3, 1, 4. / 3, 2, 7. / 3, 2, 8. / 3, 3}},
		{"align_corners", 1, 0, []float32{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}},
		{"half_pixel_centers", 0, 1, []float32{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, out := activationTensor(1, 2, 2, 1), activationTensor(1, 3, 3, 1)
			copy(in.Data, []float32{0, 1, 2, 3})
			size := intTensor([]int32{3, 3}, 2)
			opts := optionsTable(map[int]int32{2: tc.align, 3: tc.hpc})
			k, err := newResizeBilinear([]*Tensor{in, size}, []*Tensor{out}, opts)
			if err != nil {
				t.Fatal(err)
			}
			k.run()
			checkValues(t, out.Data, tc.want, 1e-6)
		})
	}
}

func TestConcatenationLastAxis(t *testing.T) {
	// [1 2 1] (1, 2) and [1 2 2] (3, 4, 5, 6) along axis −1: rows
	// (1, 3, 4) and (2, 5, 6).
	a, b, out := activationTensor(1, 2, 1), activationTensor(1, 2, 2), activationTensor(1, 2, 3)
	copy(a.Data, []float32{1, 2})
	copy(b.Data, []float32{3, 4, 5, 6})
	k, err := newConcatenation([]*Tensor{a, b}, []*Tensor{out}, optionsTable(map[int]int32{0: -1}))
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{1, 3, 4, 2, 5, 6}, 0)
}

func TestMeanOverSpatialAxes(t *testing.T) {
	// Channel 0 holds 1, 3, 5, 7 (mean 4), channel 1 holds 2, 4, 6, 8 (5).
	in, out := activationTensor(1, 2, 2, 2), activationTensor(1, 1, 1, 2)
	copy(in.Data, countUp(8))
	k, err := newMean([]*Tensor{in, intTensor([]int32{1, 2}, 2)}, []*Tensor{out})
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{4, 5}, 0)
}

func TestDepthToSpaceBlock2(t *testing.T) {
	// Two pixels of four channels become a 2×4 single-channel image:
	// pixel (1, 2, 3, 4) fills the left 2×2 block row by row, pixel
	// (5, 6, 7, 8) the right one.
	in, out := activationTensor(1, 1, 2, 4), activationTensor(1, 2, 4, 1)
	copy(in.Data, countUp(8))
	k, err := newDepthToSpace([]*Tensor{in}, []*Tensor{out}, optionsTable(map[int]int32{0: 2}))
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, []float32{1, 2, 5, 6, 3, 4, 7, 8}, 0)
}

func TestReshapeCopies(t *testing.T) {
	in, out := activationTensor(1, 2, 2), activationTensor(4)
	copy(in.Data, countUp(4))
	k, err := newReshape([]*Tensor{in}, []*Tensor{out})
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	checkValues(t, out.Data, countUp(4), 0)
}

func TestFloat16ToFloat32(t *testing.T) {
	// Bit patterns from IEEE 754 binary16.
	tests := []struct {
		bits uint16
		want float64
	}{
		{0x3C00, 1}, {0xC000, -2}, {0x7BFF, 65504}, {0x3555, 0.333251953125},
		{0x0001, math.Pow(2, -24)}, {0x03FF, 1023 * math.Pow(2, -24)},
		{0x0000, 0}, {0x7C00, math.Inf(1)}, {0xFC00, math.Inf(-1)},
	}
	for _, tc := range tests {
		if got := float64(float16ToFloat32(tc.bits)); got != tc.want {
			t.Errorf("float16 %#04x: got %g, expected %g", tc.bits, got, tc.want)
		}
	}
	if got := float16ToFloat32(0x7E00); !math.IsNaN(float64(got)) {
		t.Errorf("float16 0x7e00: got %g, expected NaN", got)
	}
	if got := float16ToFloat32(0x8000); !math.Signbit(float64(got)) || got != 0 {
		t.Errorf("float16 0x8000: got %g, expected −0", got)
	}
}

func TestOutputSize(t *testing.T) {
	tests := []struct {
		name                         string
		p                            padding
		in, filter, stride, dilation int
		out, before                  int
	}{
		{"same stride 1", paddingSame, 5, 3, 1, 1, 5, 1},
		{"same stride 2 even", paddingSame, 4, 3, 2, 1, 2, 0},
		{"same stride 2 odd", paddingSame, 5, 3, 2, 1, 3, 1},
		{"same dilated", paddingSame, 5, 3, 1, 2, 5, 2},
		{"valid", paddingValid, 5, 3, 2, 1, 2, 0},
	}
	for _, tc := range tests {
		out, before := outputSize(tc.p, tc.in, tc.filter, tc.stride, tc.dilation)
		if out != tc.out || before != tc.before {
			t.Errorf("%s: got (%d, %d), expected (%d, %d)", tc.name, out, before, tc.out, tc.before)
		}
	}
}

func TestDensifyCSR(t *testing.T) {
	// A 2×3 matrix stored as dense rows and sparse (CSR) columns:
	// segments (0, 1, 3), indices (2, 0, 1), values (5, 6, 7) give
	// rows (0, 0, 5) and (6, 7, 0).
	d := &densifier{
		shape:     []int{2, 3},
		traversal: []int{0, 1},
		levels: []sparseLevel{
			{dense: true, size: 2},
			{segments: []int32{0, 1, 3}, indices: []int32{2, 0, 1}},
		},
		values: []float32{5, 6, 7},
	}
	got, err := d.densify()
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, got, []float32{0, 0, 5, 6, 7, 0}, 0)
}

func TestDensifyBlocked(t *testing.T) {
	// A 2×4 matrix in 1×2 blocks along columns: block map (1), traversal
	// (0, 1, 2). Row 0 stores block 1 (columns 2, 3), row 1 block 0.
	d := &densifier{
		shape:     []int{2, 4},
		traversal: []int{0, 1, 2},
		blockMap:  []int{1},
		blockSize: []int{2},
		levels: []sparseLevel{
			{dense: true, size: 2},
			{segments: []int32{0, 1, 2}, indices: []int32{1, 0}},
			{dense: true, size: 2},
		},
		values: []float32{1, 2, 3, 4},
	}
	got, err := d.densify()
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, got, []float32{0, 0, 1, 2, 3, 4, 0, 0}, 0)
}

func TestNewRejectsBadBytes(t *testing.T) {
	tests := map[string][]byte{
		"empty":      nil,
		"not tflite": []byte("this is not a model at all"),
		"truncated":  {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0xff, 0xff},
	}
	for name, data := range tests {
		if _, err := New(data); err == nil {
			t.Errorf("%s: New returned no error", name)
		}
	}
}
