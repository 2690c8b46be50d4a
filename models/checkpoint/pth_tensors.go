package checkpoint

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// wrapperKeys are the entries that training scripts commonly nest the
// state_dict under, tried in this order.
var wrapperKeys = []string{"state_dict", "model"}

// findStateDict returns the dict that holds the tensors: the root, or its
// "state_dict" or "model" entry when that entry is a dict.
func findStateDict(root any) (*pickleDict, error) {
	switch root := root.(type) {
	case *pickleObject:
		return nil, &WholeModelError{Class: root.class.String()}
	case *pthTensor:
		return nil, formatErrorf("file contains a single tensor, not a state_dict " +
			"(a dict of tensors)")
	case *pickleDict:
		for _, key := range wrapperKeys {
			inner, ok := root.get(key)
			if !ok {
				continue
			}
			switch inner := inner.(type) {
			case *pickleDict:
				return inner, nil
			case *pickleObject:
				return nil, &WholeModelError{Class: inner.class.String()}
			}
		}
		return root, nil
	}
	return nil, formatErrorf("file contains %s, expected a state_dict (a dict of tensors)",
		describe(root))
}

// tensors converts the float tensors of stateDict, skipping other entries,
// and strips the "module." prefix that nn.DataParallel adds.
func (a *pthArchive) tensors(stateDict *pickleDict) (map[string]Tensor, error) {
	out := make(map[string]Tensor)
	skipped := 0
	for i, key := range stateDict.keys {
		name, isString := key.(string)
		t, isTensor := stateDict.values[i].(*pthTensor)
		if !isString || !isTensor || !t.storage.dtype.float {
			skipped++
			continue
		}
		tensor, err := a.materialize(t)
		if err != nil {
			return nil, formatErrorf("tensor %q: %w", name, err)
		}

		name = strings.TrimPrefix(name, "module.")
		if _, ok := out[name]; ok {
			return nil, formatErrorf("tensor %q appears both with and without the "+
				"\"module.\" prefix", name)
		}
		out[name] = tensor
	}
	if len(out) == 0 {
		return nil, formatErrorf("no float tensors found in the state_dict "+
			"(%d entries skipped)", skipped)
	}
	return out, nil
}

// materialize copies the view t out of its storage into a row-major
// Tensor. Every index is checked against the storage size first.
func (a *pthArchive) materialize(t *pthTensor) (Tensor, error) {
	shape := make([]int, len(t.size))
	for i, d := range t.size {
		if d > maxInt {
			return Tensor{}, fmt.Errorf("invalid size %v", t.size)
		}
		shape[i] = int(d)
	}
	n, ok := numElements(shape)
	if !ok {
		return Tensor{}, fmt.Errorf("invalid size %v", t.size)
	}
	if err := checkView(t, int64(n)); err != nil {
		return Tensor{}, err
	}

	if n == 0 {
		return Tensor{Shape: shape, Data: []float32{}}, nil
	}

	// The storage is read first, so that n, which is at most its element
	// count, is backed by bytes actually present before Data is allocated.
	raw, err := a.storageBytes(t.storage)
	if err != nil {
		return Tensor{}, err
	}
	tensor := Tensor{Shape: shape, Data: make([]float32, n)}
	gather(tensor.Data, raw, t, a.order)
	return tensor, nil
}

// checkView requires the largest element index that the view touches to
// lie inside the storage. Views with more elements than their storage
// (broadcast with stride 0) are rejected, so a small file cannot demand a
// huge output.
func checkView(t *pthTensor, n int64) error {
	numel := t.storage.numel
	if n == 0 {
		return nil
	}
	if n > numel {
		return fmt.Errorf("size %v has %d elements but its storage %q has only %d "+
			"(a broadcast view?); save a .contiguous() copy", t.size, n, t.storage.key, numel)
	}
	last := t.offset
	for i, d := range t.size {
		// Require last + (d-1)·stride ≤ numel-1 without overflowing int64.
		step := t.stride[i]
		if last >= numel || (d > 1 && step > (numel-1-last)/(d-1)) {
			return fmt.Errorf("size %v, stride %v and offset %d reach past the %d "+
				"elements of storage %q", t.size, t.stride, t.offset, numel, t.storage.key)
		}
		last += (d - 1) * step
	}
	return nil
}

// gather copies the elements of the view t from raw in row-major order of
// its size, walking a multi-index like an odometer.
func gather(dst []float32, raw []byte, t *pthTensor, order binary.ByteOrder) {
	dt := t.storage.dtype
	if isContiguous(t.size, t.stride) {
		start := t.offset * int64(dt.size)
		decodeFloats(dst, raw[start:], dt, order)
		return
	}

	index := make([]int64, len(t.size))
	source := t.offset
	one := make([]float32, 1)
	for i := range dst {
		at := source * int64(dt.size)
		decodeFloats(one, raw[at:at+int64(dt.size)], dt, order)
		dst[i] = one[0]

		for axis := len(index) - 1; axis >= 0; axis-- {
			index[axis]++
			source += t.stride[axis]
			if index[axis] < t.size[axis] {
				break
			}
			source -= index[axis] * t.stride[axis]
			index[axis] = 0
		}
	}
}

// isContiguous reports whether stride is the row-major stride of size.
// Dimensions of size 1 may have any stride, as in PyTorch.
func isContiguous(size, stride []int64) bool {
	expected := int64(1)
	for i := len(size) - 1; i >= 0; i-- {
		if size[i] != 1 && stride[i] != expected {
			return false
		}
		expected *= size[i]
	}
	return true
}

// storageBytes reads the record of a storage once and checks its length
// against the element count in the persistent id.
func (a *pthArchive) storageBytes(storage *pthStorage) ([]byte, error) {
	if raw, ok := a.loaded[storage.key]; ok {
		return raw, nil
	}
	name := a.folder + "/data/" + storage.key
	record, ok := a.records[name]
	if !ok {
		return nil, fmt.Errorf("storage record %s missing (truncated or incomplete "+
			"archive?)", name)
	}
	want := uint64(storage.numel) * uint64(storage.dtype.size)
	if record.UncompressedSize64 != want {
		return nil, fmt.Errorf("storage record %s has %d bytes, expected %d "+
			"(%d elements of %s)", name, record.UncompressedSize64, want, storage.numel,
			storage.dtype.name)
	}

	rc, err := record.Open()
	if err != nil {
		return nil, fmt.Errorf("storage record %s: %w", name, err)
	}
	defer rc.Close()
	// ReadAll grows with the data actually present and reads to the end,
	// where the zip reader verifies the CRC-32.
	raw, err := io.ReadAll(io.LimitReader(rc, int64(want)+1))
	if err == nil && uint64(len(raw)) != want {
		err = fmt.Errorf("has %d bytes, expected %d", len(raw), want)
	}
	if err != nil {
		return nil, fmt.Errorf("storage record %s: %w (truncated or corrupt file?)", name, err)
	}
	a.loaded[storage.key] = raw
	return raw, nil
}
