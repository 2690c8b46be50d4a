package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"pipeline/models/checkpoint"
)

// specKey is the safetensors metadata key that stores a model's Spec as
// JSON, so that our own weight files carry their architecture.
const specKey = "pipeline.spec"

// ErrWeights is matched by errors about weights that do not fit a model.
var ErrWeights = errors.New("weights do not fit the model")

// WeightTensors returns the parameters as checkpoint tensors keyed by their
// state_dict names. The tensors share memory with the net.
func (n *Net) WeightTensors() map[string]checkpoint.Tensor {
	tensors := map[string]checkpoint.Tensor{}
	for _, p := range n.Params() {
		tensors[p.Name] = checkpoint.Tensor{Shape: p.Value.Shape, Data: p.Value.Data}
	}
	return tensors
}

// SaveWeights writes the parameters and the Spec to path as safetensors,
// atomically.
func (n *Net) SaveWeights(path string) error {
	spec, err := json.Marshal(n.Spec)
	if err != nil {
		return err
	}
	return checkpoint.WriteFile(path, n.WeightTensors(), map[string]string{specKey: string(spec)})
}

// SetWeights copies tensors into the parameters. Every parameter must be
// present with its exact shape; extra tensors are an error too, since
// they mean the file was made for another architecture.
func (n *Net) SetWeights(tensors map[string]checkpoint.Tensor, source string) error {
	var problems []string
	for _, p := range n.Params() {
		t, ok := tensors[p.Name]
		switch {
		case !ok:
			problems = append(problems, "missing "+p.Name)
		case !slices.Equal(t.Shape, p.Value.Shape):
			problems = append(problems, fmt.Sprintf("%s has shape %v, model expects %v",
				p.Name, t.Shape, p.Value.Shape))
		}
	}
	for name := range tensors {
		if n.Param(name) == nil {
			problems = append(problems, "unexpected "+name)
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("load %s into %s: %w: %s", source, n.Spec.Name, ErrWeights,
			strings.Join(problems, "; "))
	}
	for _, p := range n.Params() {
		copy(p.Value.Data, tensors[p.Name].Data)
	}
	return nil
}

// ReadWeights reads a weight file: our safetensors, or a PyTorch
// state_dict saved with torch.save (zip format), recognised by content. It
// returns the tensors, the Spec stored in our own files (nil otherwise),
// and the file's SHA-256 in hex.
func ReadWeights(path string) (map[string]checkpoint.Tensor, *Spec, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, "", fmt.Errorf("read weights: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxWeightBytes+1))
	if err != nil {
		return nil, nil, "", fmt.Errorf("read weights %s: %w", path, err)
	}
	if len(raw) > maxWeightBytes {
		return nil, nil, "", fmt.Errorf("read weights %s: larger than %d MiB, too large for "+
			"the small CNNs this program runs", path, maxWeightBytes>>20)
	}
	return decodeWeights(raw, path)
}

// maxWeightBytes bounds a weight file, so that reading /dev/zero or a wrong
// path cannot exhaust memory. The built-in models take at most 2 MB.
const maxWeightBytes = 1 << 30

func decodeWeights(raw []byte, path string) (map[string]checkpoint.Tensor, *Spec, string, error) {
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	if isZipOrPickle(raw) {
		tensors, err := checkpoint.ReadPTHFrom(bytes.NewReader(raw), int64(len(raw)), path)
		return tensors, nil, digest, err
	}
	tensors, meta, err := checkpoint.Read(bytes.NewReader(raw), path)
	if err != nil {
		return nil, nil, "", err
	}
	if text, ok := meta[specKey]; ok {
		var spec Spec
		if err := json.Unmarshal([]byte(text), &spec); err != nil {
			return nil, nil, "", fmt.Errorf("read weights %s: invalid %s metadata: %w",
				path, specKey, err)
		}
		return tensors, &spec, digest, nil
	}
	return tensors, nil, digest, nil
}

// isZipOrPickle reports whether raw starts like a torch.save file: a zip
// archive, or a pickle stream (the legacy format, rejected by the reader).
// A safetensors file starts with its 8-byte header length and then "{",
// and its first byte may be 0x80 too, so the "{" decides first.
func isZipOrPickle(raw []byte) bool {
	if len(raw) > 8 && raw[8] == '{' {
		return false
	}
	return len(raw) >= 2 && (string(raw[:2]) == "PK" || raw[0] == 0x80)
}
