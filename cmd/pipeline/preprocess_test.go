package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"pipeline/audio"
	"pipeline/internal/shareddata"
	"pipeline/spectro"
	"pipeline/tables"
)

// committedClips are two FSDD recordings committed with the audio package:
// mono 16-bit PCM at 8 kHz.
var committedClips = []string{"0_george_0.wav", "7_jackson_12.wav"}

// clipFolder returns a new folder containing the committed clips and a
// stereo 16 kHz tone named tone.wav, which is no FSDD name.
func clipFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range committedClips {
		copyFile(t, filepath.Join("..", "..", "audio", "testdata", name), filepath.Join(dir, name))
	}
	writeToneWAV(t, filepath.Join(dir, "tone.wav"), 16000, 2, 4000)
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeToneWAV writes a 16-bit PCM file of frames frames: a 440 Hz sine
// at half scale in every channel.
func writeToneWAV(t *testing.T, path string, rate, channels, frames int) {
	t.Helper()
	dataSize := frames * channels * 2
	header := []any{
		[4]byte{'R', 'I', 'F', 'F'}, uint32(36 + dataSize), [4]byte{'W', 'A', 'V', 'E'},
		[4]byte{'f', 'm', 't', ' '}, uint32(16), uint16(1), uint16(channels),
		uint32(rate), uint32(rate * channels * 2), uint16(channels * 2), uint16(16),
		[4]byte{'d', 'a', 't', 'a'}, uint32(dataSize),
	}
	var buf []byte
	for _, field := range header {
		buf, _ = binary.Append(buf, binary.LittleEndian, field)
	}
	for i := range frames {
		v := int16(16384 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		for range channels {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
		}
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFeatureRows(t *testing.T, path string) []tables.FeatureRow {
	t.Helper()
	rows, err := parquet.ReadFile[tables.FeatureRow](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

// directFeatures computes the features of a WAV file without the command:
// the mono samples, resampled to rate when rate is not 0, through a plan of
// config at that rate. It returns the chosen feature.
func directFeatures(t *testing.T, path string, config spectro.Config, rate int,
	feature string) *spectro.Matrix {
	t.Helper()
	clip, err := audio.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	samples := clip.Mono()
	if rate != 0 && rate != clip.SampleRate {
		samples = audio.Resample(samples, clip.SampleRate, rate)
	}
	config.SampleRate = cmpOr(rate, clip.SampleRate)
	plan, err := spectro.NewPlan(config)
	if err != nil {
		t.Fatal(err)
	}
	if feature == tables.MFCC {
		return plan.MFCC(nil, samples)
	}
	return plan.LogMel(nil, samples)
}

func cmpOr(v, fallback int) int {
	if v != 0 {
		return v
	}
	return fallback
}

func TestPreprocessLogMel(t *testing.T) {
	src := clipFolder(t)
	out := filepath.Join(t.TempDir(), "features.parquet")
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel", "--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "preprocess: 3 clips written to "+out) {
		t.Errorf("stderr lacks the summary line:\n%s", stderr)
	}

	rows := readFeatureRows(t, out)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	wantSources := []string{"0_george_0.wav", "7_jackson_12.wav", "tone.wav"}
	for i, row := range rows {
		if row.Source != filepath.Join(src, wantSources[i]) {
			t.Errorf("row %d source %s, want %s", i, row.Source, wantSources[i])
		}
		want := directFeatures(t, row.Source, spectro.Torchaudio(0), 0, tables.LogMel)
		if !slices.Equal(row.Shape, []int32{int32(want.Rows), int32(want.Cols)}) {
			t.Errorf("row %d shape %v, want [%d %d]", i, row.Shape, want.Rows, want.Cols)
		}
		if !slices.Equal(row.Values, want.Data) {
			t.Errorf("row %d values differ from spectro's LogMel", i)
		}
		if row.Feature != "logmel" || row.Preset != "torchaudio" || row.NFFT != 400 {
			t.Errorf("row %d feature %s, preset %s, n_fft %d; want logmel, torchaudio, 400",
				i, row.Feature, row.Preset, row.NFFT)
		}
		if row.NMFCC != nil {
			t.Errorf("row %d n_mfcc %d, want null for log-mel rows", i, *row.NMFCC)
		}
	}

	checkLabel(t, rows[0], 0, "george")
	checkLabel(t, rows[1], 7, "jackson")
	if rows[2].Label != nil || rows[2].Speaker != nil {
		t.Errorf("tone.wav has label %v, speaker %v; want nulls", rows[2].Label, rows[2].Speaker)
	}
	if rows[2].SampleRate != 16000 || rows[2].DurationMs != 250 {
		t.Errorf("tone.wav sample rate %d, duration %g ms; want 16000, 250",
			rows[2].SampleRate, rows[2].DurationMs)
	}
	if !slices.Contains(rows[2].Notes, "averaged 2 channels to mono") {
		t.Errorf("tone.wav notes %q lack the downmix", rows[2].Notes)
	}
	if _, err := os.Stat(out + ".errors.jsonl"); !os.IsNotExist(err) {
		t.Errorf("error list written although no clip failed: %v", err)
	}
}

func checkLabel(t *testing.T, row tables.FeatureRow, label int32, speaker string) {
	t.Helper()
	if row.Label == nil || *row.Label != label {
		t.Errorf("%s label %v, want %d", row.Source, row.Label, label)
	}
	if row.Speaker == nil || *row.Speaker != speaker {
		t.Errorf("%s speaker %v, want %s", row.Source, row.Speaker, speaker)
	}
}

func TestPreprocessMFCCOverrides(t *testing.T) {
	src := clipFolder(t)
	out := filepath.Join(t.TempDir(), "mfcc.parquet")
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "mfcc",
		"--preset", "librosa", "--n-fft", "512", "--hop", "128", "--n-mels", "40",
		"--n-mfcc", "13", "--sample-rate", "16000", "--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}

	config := spectro.Librosa(0)
	config.NFFT, config.HopLength, config.NMels, config.NMFCC = 512, 128, 40, 13
	rows := readFeatureRows(t, out)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for i, row := range rows {
		got := []any{row.SampleRate, row.NFFT, row.HopLength, row.NMels, row.MelScale,
			*row.NMFCC, row.Shape[0]}
		want := []any{int32(16000), int32(512), int32(128), int32(40), "slaney", int32(13),
			int32(13)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d sample rate, n_fft, hop, n_mels, mel scale, n_mfcc, bins "+
				"%v, want %v", i, got, want)
		}
		direct := directFeatures(t, row.Source, config, 16000, tables.MFCC)
		if !slices.Equal(row.Values, direct.Data) {
			t.Errorf("row %d values differ from spectro's MFCC", i)
		}
	}
	if note := "resampled from 8000 Hz to 16000 Hz"; !slices.Contains(rows[0].Notes, note) {
		t.Errorf("8 kHz clip notes %q lack %q", rows[0].Notes, note)
	}
	for _, note := range rows[2].Notes {
		if strings.HasPrefix(note, "resampled") {
			t.Errorf("16 kHz clip has note %q", note)
		}
	}
}

func TestPreprocessBadClip(t *testing.T) {
	src := clipFolder(t)
	bad := filepath.Join(src, "3_theo_7.wav")
	if err := os.WriteFile(bad, []byte("not a wav file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "features.parquet")
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel", "--to", out)
	if code != exitSomeFailed {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, `msg="clip failed" source=`+bad) {
		t.Errorf("stderr lacks the warning naming %s:\n%s", bad, stderr)
	}
	if !strings.Contains(stderr, "3 clips written to "+out) ||
		!strings.Contains(stderr, "1 failed: decode wav "+bad) {
		t.Errorf("summary line does not count 3 written and list 1 failure:\n%s", stderr)
	}
	if rows := readFeatureRows(t, out); len(rows) != 3 {
		t.Errorf("%d rows, want the 3 good clips", len(rows))
	}

	failures := readFailures(t, out+".errors.jsonl")
	if len(failures) != 1 || failures[0].Source != bad ||
		!strings.HasPrefix(failures[0].Error, "decode wav "+bad+":") {
		t.Errorf("error list %+v, want one entry for %s", failures, bad)
	}

	// A later run without failures removes the list it no longer matches.
	os.Remove(bad)
	if code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel",
		"--to", out); code != exitOK {
		t.Fatalf("rerun exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(out + ".errors.jsonl"); !os.IsNotExist(err) {
		t.Errorf("stale error list kept after a run without failures: %v", err)
	}
}

func readFailures(t *testing.T, path string) []clipFailure {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var failures []clipFailure
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		var failure clipFailure
		if err := json.Unmarshal(scanner.Bytes(), &failure); err != nil {
			t.Fatalf("%s: %v in line %q", path, err, scanner.Text())
		}
		failures = append(failures, failure)
	}
	return failures
}

func TestPreprocessEmptyFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "empty.parquet")
	code, _, stderr := run(t, "preprocess", "--src", t.TempDir(), "--features", "mfcc",
		"--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		t.Fatal(err)
	}
	parquetFile, err := parquet.OpenFile(file, info.Size())
	if err != nil {
		t.Fatalf("open the file without rows: %v", err)
	}
	if n := parquetFile.NumRows(); n != 0 {
		t.Errorf("%d rows, want 0", n)
	}
	if got, want := parquetFile.Schema().String(),
		parquet.SchemaOf(tables.FeatureRow{}).String(); got != want {
		t.Errorf("schema:\n%s\nwant\n%s", got, want)
	}
}

func TestPreprocessUsageErrors(t *testing.T) {
	src := clipFolder(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no to", []string{"--src", src, "--features", "logmel"}, "--to is required"},
		{"no src", []string{"--features", "logmel"}, "--src is required"},
		{"missing src", []string{"--src", filepath.Join(src, "missing"), "--features", "logmel"},
			"no such file"},
		{"unknown features", []string{"--src", src, "--features", "mel"}, `--features "mel"`},
		{"unknown preset", []string{"--src", src, "--features", "logmel", "--preset", "kaldi"},
			`unknown preset "kaldi"`},
		{"n-mfcc with logmel", []string{"--src", src, "--features", "logmel", "--n-mfcc", "13"},
			"--n-mfcc applies only to --features mfcc"},
		{"zero n-fft", []string{"--src", src, "--features", "logmel", "--n-fft", "0"},
			"--n-fft 0: expected 1 or above"},
		{"n-mfcc above n-mels", []string{"--src", src, "--features", "mfcc", "--n-mels", "10",
			"--n-mfcc", "20"}, "n_mfcc 20, expected 0 to n_mels 10"},
		{"negative sample rate", []string{"--src", src, "--features", "logmel",
			"--sample-rate", "-1"}, "--sample-rate -1"},
		{"argument", []string{"--src", src, "--features", "logmel", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"preprocess"}, tt.args...)
			if tt.name != "no to" {
				args = append(args, "--to", filepath.Join(dir, "out.parquet"))
			}
			code, _, stderr := run(t, args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("output folder contains %d files, want none", len(entries))
			}
		})
	}
}

func TestPreprocessMissingOutputFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "missing", "features.parquet")
	code, _, stderr := run(t, "preprocess", "--src", clipFolder(t), "--features", "logmel",
		"--to", out)
	if code != exitUsage {
		t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
}

// cancelAfter cancels a context once a number of clips are done.
type cancelAfter struct {
	clips  int
	cancel context.CancelFunc
}

func (c cancelAfter) update(done, failed int) {
	if done >= c.clips {
		c.cancel()
	}
}

func (c cancelAfter) finish() {}

func TestPreprocessInterrupted(t *testing.T) {
	src := t.TempDir()
	var sources []string
	for i := range 40 {
		name := filepath.Join(src, "clip"+string(rune('A'+i/26))+string(rune('a'+i%26))+".wav")
		copyFile(t, filepath.Join("..", "..", "audio", "testdata", committedClips[i%2]), name)
		sources = append(sources, name)
	}
	config := spectro.Torchaudio(0)
	config.NMFCC = 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "features.parquet")
	job := &preprocessJob{sources: sources, feature: tables.LogMel, preset: "torchaudio",
		config: config, to: out, workers: 2, progress: cancelAfter{5, cancel}}

	var stderr strings.Builder
	err := job.run(ctx, &stderr)
	if err == nil || !strings.Contains(err.Error(), "preprocess interrupted after") {
		t.Fatalf("run returned %v, want the interruption", err)
	}
	rows := readFeatureRows(t, out)
	if len(rows) < 5 || len(rows) >= len(sources) {
		t.Fatalf("%d rows after interrupting at 5 of %d clips", len(rows), len(sources))
	}
	for i, row := range rows {
		if row.Source != sources[i] {
			t.Errorf("row %d is %s, want %s: rows must be the first clips in order",
				i, row.Source, sources[i])
		}
	}
}

func TestPreprocessFSDD(t *testing.T) {
	recordings := shareddata.Path(t, "fsdd/recordings")
	entries, err := os.ReadDir(recordings)
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for _, e := range entries[:20] {
		if err := os.Symlink(filepath.Join(recordings, e.Name()),
			filepath.Join(src, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "fsdd.parquet")
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel", "--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}

	rows := readFeatureRows(t, out)
	if len(rows) != 20 {
		t.Fatalf("%d rows, want 20", len(rows))
	}
	for i, row := range rows {
		if filepath.Base(row.Source) != entries[i].Name() {
			t.Errorf("row %d is %s, want %s", i, row.Source, entries[i].Name())
		}
		frames := 1 + int32(math.Round(row.DurationMs*8))/200
		if want := []int32{128, frames}; !slices.Equal(row.Shape, want) {
			t.Errorf("%s shape %v, want %v (torchaudio: 1 + samples/hop frames)",
				row.Source, row.Shape, want)
		}
		if row.Label == nil || row.Speaker == nil {
			t.Errorf("%s has no label or speaker", row.Source)
		}
	}
}

// duckDBResult is the part of the output of tools/duckdb/check.mjs --json
// that the test compares.
type duckDBResult struct {
	Rows         int `json:"rows"`
	ParquetTypes []struct {
		Name string  `json:"name"`
		Type *string `json:"type"`
	} `json:"parquetTypes"`
	ShapeMismatches int `json:"shapeMismatches"`
	Sample          []struct {
		Source      string    `json:"source"`
		Label       *int32    `json:"label"`
		Shape       []int32   `json:"shape"`
		ValueCount  int       `json:"value_count"`
		FirstValues []float64 `json:"first_values"`
	} `json:"sample"`
}

func TestPreprocessDuckDB(t *testing.T) {
	requireDuckDB(t)
	out := filepath.Join(t.TempDir(), "features.parquet")
	if code, _, stderr := run(t, "preprocess", "--src", clipFolder(t), "--features", "logmel",
		"--to", out); code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	var got duckDBResult
	duckDBCheck(t, out, 10, &got)

	want := readFeatureRows(t, out)
	if got.Rows != len(want) || len(got.Sample) != len(want) {
		t.Fatalf("DuckDB counts %d rows and returns %d, want %d", got.Rows, len(got.Sample),
			len(want))
	}
	if got.ShapeMismatches != 0 {
		t.Errorf("DuckDB finds %d rows whose shape disagrees with the values", got.ShapeMismatches)
	}
	for _, column := range got.ParquetTypes {
		if column.Type != nil && *column.Type == "INT96" {
			t.Errorf("DuckDB reads column %s as INT96", column.Name)
		}
	}
	for i, row := range got.Sample {
		if row.Source != want[i].Source || !slices.Equal(row.Shape, want[i].Shape) ||
			row.ValueCount != len(want[i].Values) {
			t.Errorf("DuckDB row %d: %s shape %v with %d values, want %s %v with %d", i,
				row.Source, row.Shape, row.ValueCount, want[i].Source, want[i].Shape,
				len(want[i].Values))
		}
		if !reflect.DeepEqual(row.Label, want[i].Label) {
			t.Errorf("DuckDB row %d label %v, want %v", i, row.Label, want[i].Label)
		}
		for j, v := range row.FirstValues {
			if float32(v) != want[i].Values[j] {
				t.Errorf("DuckDB row %d value %d is %g, want %g", i, j, v, want[i].Values[j])
			}
		}
	}
}

// BenchmarkPreprocessFSDD writes the log-mel spectrograms of all FSDD
// recordings with the torchaudio preset, on one goroutine per CPU.
func BenchmarkPreprocessFSDD(b *testing.B) {
	recordings := shareddata.Path(b, "fsdd/recordings")
	sources, err := listWAVFiles(recordings)
	if err != nil {
		b.Fatal(err)
	}
	config := spectro.Torchaudio(0)
	config.NMFCC = 0
	out := filepath.Join(b.TempDir(), "fsdd.parquet")

	b.ReportAllocs()
	for b.Loop() {
		job := &preprocessJob{sources: sources, feature: tables.LogMel, preset: "torchaudio",
			config: config, to: out, workers: runtime.GOMAXPROCS(0)}
		if err := job.run(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(sources)*b.N)/b.Elapsed().Seconds(), "clips/s")
}

// duckDBTool is the folder of the DuckDB check script.
var duckDBTool = filepath.Join("..", "..", "tools", "duckdb")

// requireDuckDB skips t when Node.js or the DuckDB npm module is missing,
// since CI does not install them.
func requireDuckDB(t *testing.T) {
	t.Helper()
	tool := duckDBTool
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("DuckDB check skipped: node not found; install Node.js, then run " +
			"`npm install` in tools/duckdb")
	}
	if _, err := os.Stat(filepath.Join(tool, "node_modules", "@duckdb", "node-api")); err != nil {
		t.Skip("DuckDB check skipped: run `npm install` in tools/duckdb to enable it")
	}
}

// duckDBCheck runs tools/duckdb/check.mjs on a Parquet file and decodes its
// JSON report into report.
func duckDBCheck(t *testing.T, file string, rows int, report any) {
	t.Helper()
	output, err := exec.Command("node", filepath.Join(duckDBTool, "check.mjs"), file,
		"--rows", strconv.Itoa(rows), "--json").Output()
	if err != nil {
		t.Fatalf("check.mjs: %v", err)
	}
	if err := json.Unmarshal(output, report); err != nil {
		t.Fatalf("check.mjs output: %v", err)
	}
}

// The Free Spoken Digit Dataset keeps its clips in recordings/: given the
// data set's root, preprocess names the folder to pass instead.
func TestPreprocessPointsToRecordings(t *testing.T) {
	root := t.TempDir()
	recordings := filepath.Join(root, "recordings")
	if err := os.Mkdir(recordings, 0o755); err != nil {
		t.Fatal(err)
	}
	clip, err := os.ReadFile("../../audio/testdata/0_george_0.wav")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(recordings, "0_george_0.wav"), clip, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "f.parquet")
	code, _, stderr := run(t, "preprocess", "--src", root, "--features", "logmel", "--to", out)
	if code != exitUsage || !strings.Contains(stderr, "pass --src "+recordings) {
		t.Errorf("exit code %d, stderr %q; expected %d and a pointer to %s", code, stderr,
			exitUsage, recordings)
	}
}
