package tables

import (
	"reflect"
	"testing"

	"pipeline/spectro"
)

func TestNewFeatureParams(t *testing.T) {
	librosaMFCC := spectro.Librosa(22050)
	librosaMFCC.FMax = 11025
	librosaMFCC.WinLength = 2048
	natural := spectro.Torchaudio(16000)
	natural.LogScale, natural.LogOffset, natural.TopDB = spectro.NaturalLog, 1e-6, 0

	tests := []struct {
		name    string
		feature string
		preset  string
		config  spectro.Config
		want    FeatureParams
	}{
		{"torchaudio logmel", LogMel, "torchaudio", spectro.Torchaudio(8000), FeatureParams{
			Preset: "torchaudio", NFFT: 400, HopLength: 200, Window: "hann", Center: true,
			PadMode: "reflect", Power: 2, NMels: 128, MelScale: "htk", LogScale: "db",
			AMin: ptr(1e-10), Ref: ptr(1.0), TopDB: ptr(80.0),
		}},
		{"librosa mfcc", MFCC, "librosa", librosaMFCC, FeatureParams{
			Preset: "librosa", NFFT: 2048, WinLength: 2048, HopLength: 512, Window: "hann",
			Center: true, PadMode: "constant", Power: 2, NMels: 128, FMax: 11025,
			MelScale: "slaney", MelNorm: ptr("slaney"), LogScale: "db",
			AMin: ptr(1e-10), Ref: ptr(1.0), TopDB: ptr(80.0), NMFCC: ptr(int32(20)),
			Lifter: ptr(int32(0)),
		}},
		{"natural log without top_db", LogMel, "torchaudio", natural, FeatureParams{
			Preset: "torchaudio", NFFT: 400, HopLength: 200, Window: "hann", Center: true,
			PadMode: "reflect", Power: 2, NMels: 128, MelScale: "htk", LogScale: "ln",
			LogOffset: ptr(1e-6),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewFeatureParams(tt.feature, tt.preset, tt.config)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
