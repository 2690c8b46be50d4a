package report

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// projection is data projected on its first two principal components.
type projection struct {
	X, Y      []float64
	Explained [2]float64 // fraction of the total variance on each axis
}

// pca2 projects the rows of data (n×d, row-major) on their first two
// principal components, found by singular value decomposition of the
// centred data (gonum's stat.PC).
func pca2(data []float32, n, d int) (projection, error) {
	if n < 2 || d < 2 {
		return projection{}, fmt.Errorf("pca: need at least 2 rows and 2 columns, got %d×%d", n, d)
	}
	values := make([]float64, n*d)
	for i, v := range data[:n*d] {
		values[i] = float64(v)
	}
	x := mat.NewDense(n, d, values)

	var pc stat.PC
	if ok := pc.PrincipalComponents(x, nil); !ok {
		return projection{}, fmt.Errorf("pca: decomposition of %d×%d data failed", n, d)
	}
	var vectors mat.Dense
	pc.VectorsTo(&vectors)
	variances := pc.VarsTo(nil)
	means := make([]float64, d)
	for j := range d {
		means[j] = stat.Mean(mat.Col(nil, j, x), nil)
	}

	var total float64
	for _, v := range variances {
		total += v
	}

	p := projection{X: make([]float64, n), Y: make([]float64, n)}
	if total > 0 {
		p.Explained = [2]float64{variances[0] / total, variances[1] / total}
	}
	for i := range n {
		for j := range d {
			centred := values[i*d+j] - means[j]
			p.X[i] += centred * vectors.At(j, 0)
			p.Y[i] += centred * vectors.At(j, 1)
		}
	}
	return p, nil
}
