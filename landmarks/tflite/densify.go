package tflite

import "fmt"

// Field numbers of SparsityParameters and DimensionMetadata.
const (
	sparsityTraversalOrder = 0
	sparsityBlockMap       = 1
	sparsityDimMetadata    = 2

	dimFormat         = 0
	dimDenseSize      = 1
	dimSegmentsType   = 2
	dimSegments       = 3
	dimIndicesType    = 4
	dimIndices        = 5
	dimFormatDense    = 0
	indexVectorInt32  = 1
	indexVectorUint16 = 2
	indexVectorUint8  = 3
)

// sparseLevel is one level of a sparse tensor's traversal: dense with a
// size, or compressed (CSR) with segments and indices.
type sparseLevel struct {
	dense    bool
	size     int
	segments []int32
	indices  []int32
}

// densifier expands a sparse tensor in TFLite's format (the
// FormatConverter of tensorflow/lite/kernels/internal/utils/sparsity_format_converter):
// levels are visited in traversal order; the first rank levels are the
// original dimensions, divided by their block size when blocked, and any
// further levels index inside a block of the dimension block_map names.
type densifier struct {
	shape     []int // dense shape
	traversal []int
	blockMap  []int
	blockSize []int
	levels    []sparseLevel
	values    []float32
	next      int // next value to place
	dst       []float32
	index     []int
}

func newDensifier(sp table, shape []int, values []float32) (*densifier, error) {
	d := &densifier{shape: shape, values: values}
	for _, v := range sp.int32s(sparsityTraversalOrder) {
		d.traversal = append(d.traversal, int(v))
	}
	for _, v := range sp.int32s(sparsityBlockMap) {
		d.blockMap = append(d.blockMap, int(v))
	}
	for _, meta := range sp.tables(sparsityDimMetadata) {
		level, err := parseLevel(meta)
		if err != nil {
			return nil, err
		}
		d.levels = append(d.levels, level)
	}
	rank := len(shape)
	if len(d.traversal) != len(d.levels) || len(d.levels) != rank+len(d.blockMap) {
		return nil, fmt.Errorf("sparsity with %d levels, %d traversal entries and %d blocks "+
			"for shape %v", len(d.levels), len(d.traversal), len(d.blockMap), shape)
	}
	for b := range d.blockMap {
		level := d.traversal[rank+b]
		if level < 0 || level >= len(d.levels) {
			return nil, fmt.Errorf("traversal order %v out of range", d.traversal)
		}
		d.blockSize = append(d.blockSize, d.levels[level].size)
	}
	for _, v := range d.traversal[:rank] {
		if v < 0 || v >= rank {
			return nil, fmt.Errorf("traversal order %v out of range", d.traversal)
		}
	}
	return d, nil
}

func parseLevel(meta table) (sparseLevel, error) {
	if meta.uint8(dimFormat, 0) == dimFormatDense {
		return sparseLevel{dense: true, size: int(meta.int32(dimDenseSize, 0))}, nil
	}
	segments, err := indexVector(meta, dimSegmentsType, dimSegments)
	if err != nil {
		return sparseLevel{}, err
	}
	indices, err := indexVector(meta, dimIndicesType, dimIndices)
	if err != nil {
		return sparseLevel{}, err
	}
	return sparseLevel{segments: segments, indices: indices}, nil
}

// indexVector reads a SparseIndexVector union (Int32Vector, Uint16Vector
// or Uint8Vector, each a table whose field 0 is the values).
func indexVector(meta table, typeField, valueField int) ([]int32, error) {
	vec, ok := meta.child(valueField)
	if !ok {
		return nil, fmt.Errorf("sparse dimension without index vector")
	}
	switch kind := meta.uint8(typeField, 0); kind {
	case indexVectorInt32:
		return vec.int32s(0), nil
	case indexVectorUint16:
		return vec.uint16s(0), nil
	case indexVectorUint8:
		return vec.uint8s(0), nil
	default:
		return nil, fmt.Errorf("sparse index vector type %d not supported", kind)
	}
}

// densify returns the dense values, zeros where nothing is stored.
func (d *densifier) densify() (out []float32, err error) {
	d.dst = make([]float32, shapeSize(d.shape))
	d.index = make([]int, len(d.levels))
	if err := d.visit(0, 0); err != nil {
		return nil, err
	}
	if d.next != len(d.values) {
		return nil, fmt.Errorf("sparse tensor stores %d values, its indices place %d",
			len(d.values), d.next)
	}
	return d.dst, nil
}

// visit walks level with prev the position reached in the level above.
func (d *densifier) visit(level, prev int) error {
	if level == len(d.levels) {
		return d.place()
	}
	l := d.levels[level]
	if l.dense {
		for i := 0; i < l.size; i++ {
			d.index[level] = i
			if err := d.visit(level+1, prev*l.size+i); err != nil {
				return err
			}
		}
		return nil
	}
	if prev+1 >= len(l.segments) {
		return fmt.Errorf("sparse segment %d out of range", prev)
	}
	for i := l.segments[prev]; i < l.segments[prev+1]; i++ {
		if i < 0 || int(i) >= len(l.indices) {
			return fmt.Errorf("sparse index %d out of range", i)
		}
		d.index[level] = int(l.indices[i])
		if err := d.visit(level+1, int(i)); err != nil {
			return err
		}
	}
	return nil
}

// place stores the next value at the dense position of d.index.
func (d *densifier) place() error {
	rank := len(d.shape)
	orig := make([]int, rank)
	for i := 0; i < rank; i++ {
		orig[d.traversal[i]] = d.index[i]
	}
	for i := rank; i < len(d.index); i++ {
		block := d.traversal[i] - rank
		if block < 0 || block >= len(d.blockMap) {
			return fmt.Errorf("traversal order %v out of range", d.traversal)
		}
		dim := d.blockMap[block]
		orig[dim] = orig[dim]*d.blockSize[block] + d.index[i]
	}
	flat := 0
	for i, c := range orig {
		if c < 0 || c >= d.shape[i] {
			return fmt.Errorf("sparse index %v outside shape %v", orig, d.shape)
		}
		flat = flat*d.shape[i] + c
	}
	if d.next >= len(d.values) {
		return fmt.Errorf("sparse indices place more than the %d stored values",
			len(d.values))
	}
	d.dst[flat] = d.values[d.next]
	d.next++
	return nil
}
