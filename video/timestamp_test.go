package video

import "testing"

func TestTimestampRepair(t *testing.T) {
	tests := []struct {
		name      string
		fps       float64
		input     []float64
		want      []float64
		wantNotes []bool
	}{
		{"increasing", 25, []float64{0, 40, 80}, []float64{0, 40, 80},
			[]bool{false, false, false}},
		{"repeated and backwards", 25, []float64{0, 40, 40, 30, 200},
			[]float64{0, 40, 80, 120, 200}, []bool{false, false, true, true, false}},
		{"no frame rate", 0, []float64{5, 5, 5}, []float64{5, 6, 7},
			[]bool{false, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repair := newTimestampRepair(tt.fps)
			for i, input := range tt.input {
				got, note := repair.next(input)
				if got != tt.want[i] {
					t.Errorf("frame %d: %v ms, want %v ms", i, got, tt.want[i])
				}
				if (note != "") != tt.wantNotes[i] {
					t.Errorf("frame %d: note %q, want a note: %v", i, note, tt.wantNotes[i])
				}
			}
		})
	}
}
