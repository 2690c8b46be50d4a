package spectro

// Matrix is a feature matrix of Rows bins (frequency bins, mel bands or
// coefficients) by Cols frames, stored row-major in Data.
type Matrix struct {
	Rows, Cols int
	Data       []float32

	// Notes list what was done to the input that a reader of the features
	// should know, such as padding a clip shorter than n_fft.
	Notes []string
}

// At returns the value of bin r in frame c.
func (m *Matrix) At(r, c int) float32 {
	return m.Data[r*m.Cols+c]
}

// Row returns the values of bin r over all frames, sharing Data.
func (m *Matrix) Row(r int) []float32 {
	return m.Data[r*m.Cols : (r+1)*m.Cols]
}

// reshape makes m a rows×cols matrix, reusing Data when it is large enough,
// and clears Notes. A nil m allocates a new matrix.
func reshape(m *Matrix, rows, cols int) *Matrix {
	if m == nil {
		m = &Matrix{}
	}
	m.Rows, m.Cols = rows, cols
	if cap(m.Data) < rows*cols {
		m.Data = make([]float32, rows*cols)
	}
	m.Data = m.Data[:rows*cols]
	m.Notes = m.Notes[:0]
	return m
}
