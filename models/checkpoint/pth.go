package checkpoint

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// maxPickleBytes bounds data.pkl. A state_dict's pickle takes about 100
// bytes per tensor (963 bytes for LeNet-5's 10 tensors), so this leaves
// room for models with many thousands of tensors.
const maxPickleBytes = 16 << 20

// legacyMagic starts every file written by torch.save before PyTorch 1.6
// or with _use_new_zipfile_serialization=False: pickle protocol 2 and the
// integer 0x1950a86a20f9469cfc6c as LONG1 (torch/serialization.py).
var legacyMagic = []byte{0x80, 0x02, 0x8a, 0x0a,
	0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}

// pthStorage is a storage named by a persistent id: the record
// <folder>/data/<key> holding numel elements of dtype.
type pthStorage struct {
	key   string
	dtype dtype
	numel int64
}

// pthTensor is a tensor rebuilt by torch._utils._rebuild_tensor_v2: a view
// of a storage with an element offset, a size and strides in elements.
type pthTensor struct {
	storage *pthStorage
	offset  int64
	size    []int64
	stride  []int64
}

// storageDtypes maps torch's legacy storage classes to element types.
var storageDtypes = map[string]dtype{
	"FloatStorage":    safetensorsDtypes["F32"],
	"DoubleStorage":   safetensorsDtypes["F64"],
	"HalfStorage":     safetensorsDtypes["F16"],
	"BFloat16Storage": safetensorsDtypes["BF16"],
	"LongStorage":     safetensorsDtypes["I64"],
	"IntStorage":      safetensorsDtypes["I32"],
	"ShortStorage":    safetensorsDtypes["I16"],
	"CharStorage":     safetensorsDtypes["I8"],
	"ByteStorage":     safetensorsDtypes["U8"],
	"BoolStorage":     safetensorsDtypes["BOOL"],
}

// ReadPTH reads the float tensors of a PyTorch state_dict saved with
// torch.save in the zip format. It accepts the usual wrappers: a dict whose
// "state_dict" or "model" entry is the state_dict, and keys prefixed by
// "module." (from nn.DataParallel), which are stripped. Entries that are
// not tensors, such as an epoch number, and integer or bool tensors are
// skipped.
func ReadPTH(path string) (map[string]Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return ReadPTHFrom(f, info.Size(), path)
}

// ReadPTHFrom reads a .pth file of size bytes from r, as ReadPTH does. The
// name identifies the file in errors.
func ReadPTHFrom(r io.ReaderAt, size int64, name string) (map[string]Tensor, error) {
	tensors, err := readPTH(r, size)
	if err != nil {
		return nil, fileError("read", name, err)
	}
	return tensors, nil
}

func readPTH(r io.ReaderAt, size int64) (map[string]Tensor, error) {
	archive, err := openArchive(r, size)
	if err != nil {
		return nil, err
	}
	root, err := archive.unpickle()
	if err != nil {
		return nil, err
	}
	stateDict, err := findStateDict(root)
	if err != nil {
		return nil, err
	}
	return archive.tensors(stateDict)
}

// pthArchive is an open torch.save zip archive.
type pthArchive struct {
	folder   string // the folder that holds data.pkl, such as "archive"
	records  map[string]*zip.File
	order    binary.ByteOrder
	storages map[string]*pthStorage
	loaded   map[string][]byte // raw bytes of each storage read so far
}

func openArchive(r io.ReaderAt, size int64) (*pthArchive, error) {
	if err := checkZipSignature(r, size); err != nil {
		return nil, err
	}
	reader, err := zip.NewReader(r, size)
	if err != nil {
		return nil, formatErrorf("invalid zip archive (truncated file?): %w", err)
	}

	archive := &pthArchive{
		records:  make(map[string]*zip.File, len(reader.File)),
		order:    binary.LittleEndian,
		storages: make(map[string]*pthStorage),
		loaded:   make(map[string][]byte),
	}
	for _, f := range reader.File {
		archive.records[f.Name] = f
		if path.Base(f.Name) == "data.pkl" && strings.Count(f.Name, "/") == 1 &&
			archive.folder == "" {
			archive.folder = path.Dir(f.Name)
		}
	}
	if archive.folder == "" {
		return nil, formatErrorf("zip archive has no <folder>/data.pkl record, so it " +
			"was not written by torch.save")
	}
	if err := archive.checkKind(); err != nil {
		return nil, err
	}
	return archive, archive.readByteOrder()
}

// checkZipSignature distinguishes legacy torch.save files and other non-zip
// data from zip archives, before the zip reader returns a generic error.
func checkZipSignature(r io.ReaderAt, size int64) error {
	head := make([]byte, min(size, int64(len(legacyMagic))))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return err
	}
	switch {
	case size == 0:
		return formatErrorf("empty file")
	case bytes.HasPrefix(head, []byte("PK")):
		return nil
	case bytes.Equal(head, legacyMagic):
		return formatError{ErrLegacyPTH}
	case head[0] == 0x80:
		return formatErrorf("file is a bare pickle, not a torch.save zip archive; " +
			"re-save with torch.save in PyTorch 1.6 or later")
	}
	return formatErrorf("not a zip archive (torch.save writes zip archives since " +
		"PyTorch 1.6)")
}

// checkKind rejects TorchScript archives, which torch.jit.save writes with
// the same layout plus compiled code and constants.
func (a *pthArchive) checkKind() error {
	if _, ok := a.records[a.folder+"/constants.pkl"]; ok {
		return formatError{ErrTorchScript}
	}
	for name := range a.records {
		if strings.HasPrefix(name, a.folder+"/code/") {
			return formatError{ErrTorchScript}
		}
	}
	return nil
}

// readByteOrder reads the optional byteorder record, which PyTorch 2.1 and
// later write; earlier versions always wrote little-endian data.
func (a *pthArchive) readByteOrder() error {
	record, ok := a.records[a.folder+"/byteorder"]
	if !ok {
		return nil
	}
	value, err := readRecord(record, 16)
	if err != nil {
		return err
	}
	switch string(bytes.TrimSpace(value)) {
	case "little":
	case "big":
		a.order = binary.BigEndian
	default:
		return formatErrorf("byteorder record is %q, expected \"little\" or \"big\"", value)
	}
	return nil
}

// readRecord reads a whole record of at most limit bytes. Memory grows
// with the bytes actually read, so a false size in the zip directory
// cannot force a large allocation.
func readRecord(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, formatErrorf("record %s has %d bytes, over the limit of %d",
			f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, formatErrorf("record %s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, formatErrorf("record %s: %w (truncated or corrupt file?)", f.Name, err)
	}
	return data, nil
}

func (a *pthArchive) unpickle() (any, error) {
	program, err := readRecord(a.records[a.folder+"/data.pkl"], maxPickleBytes)
	if err != nil {
		return nil, err
	}
	machine := &unpickler{data: program, call: callTorch, persistentLoad: a.persistentLoad}
	root, err := machine.run()
	if err != nil {
		return nil, formatErrorf("%s/data.pkl: %w", a.folder, err)
	}
	return root, nil
}

// persistentLoad resolves torch.save's persistent ids,
// ('storage', storage class, key, location, numel), to storages.
func (a *pthArchive) persistentLoad(pid any) (any, error) {
	fields, ok := pid.(pickleTuple)
	if !ok || len(fields) != 5 || fields[0] != "storage" {
		return nil, fmt.Errorf("expected ('storage', class, key, location, numel), "+
			"found %s", describe(pid))
	}
	class, ok1 := fields[1].(pickleGlobal)
	key, ok2 := fields[2].(string)
	numel, ok3 := fields[4].(int64)
	if !ok1 || !ok2 || !ok3 || numel < 0 {
		return nil, fmt.Errorf("invalid storage id (%s, %s, %s)",
			describe(fields[1]), describe(fields[2]), describe(fields[4]))
	}

	dt, ok := storageDtypes[class.name]
	if class.module != "torch" || !ok {
		return nil, fmt.Errorf("storage class %s not supported", class)
	}
	if numel > maxInt/8 {
		return nil, fmt.Errorf("storage %q: invalid element count %d", key, numel)
	}
	if storage, ok := a.storages[key]; ok {
		if storage.dtype != dt || storage.numel != numel {
			return nil, fmt.Errorf("storage %q declared twice with different types", key)
		}
		return storage, nil
	}
	storage := &pthStorage{key: key, dtype: dt, numel: numel}
	a.storages[key] = storage
	return storage, nil
}

// callTorch evaluates the calls that state_dict pickles make. Any other
// callable becomes an opaque pickleObject.
func callTorch(callable pickleGlobal, args pickleTuple) (any, error) {
	switch callable.String() {
	case "collections.OrderedDict":
		return newOrderedDict(args)
	case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
		return rebuildTensor(args)
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		if len(args) < 1 {
			return nil, errors.New("missing the data argument")
		}
		return args[0], nil
	}
	return &pickleObject{class: callable, args: args}, nil
}

func newOrderedDict(args pickleTuple) (any, error) {
	dict := &pickleDict{}
	if len(args) == 0 {
		return dict, nil
	}
	pairs, ok := args[0].(*pickleList)
	if len(args) != 1 || !ok {
		return nil, fmt.Errorf("expected no arguments or a list of pairs")
	}
	for _, item := range pairs.items {
		pair, ok := item.(pickleTuple)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("expected a (key, value) pair, found %s", describe(item))
		}
		dict.set(pair[0], pair[1])
	}
	return dict, nil
}

// rebuildTensor takes (storage, storage_offset, size, stride, ...), the
// arguments of torch._utils._rebuild_tensor_v2.
func rebuildTensor(args pickleTuple) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("expected at least 4 arguments, found %d", len(args))
	}
	storage, ok := args[0].(*pthStorage)
	if !ok {
		return nil, fmt.Errorf("argument 0 is %s, expected a storage", describe(args[0]))
	}
	offset, ok := args[1].(int64)
	if !ok || offset < 0 {
		return nil, fmt.Errorf("invalid storage offset (%s)", describe(args[1]))
	}
	size, err := intTuple(args[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(args[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(size) != len(stride) {
		return nil, fmt.Errorf("size has %d dimensions but stride has %d", len(size), len(stride))
	}
	return &pthTensor{storage: storage, offset: offset, size: size, stride: stride}, nil
}

func intTuple(v any, what string) ([]int64, error) {
	tuple, ok := v.(pickleTuple)
	if !ok {
		return nil, fmt.Errorf("%s is %s, expected a tuple of ints", what, describe(v))
	}
	out := make([]int64, len(tuple))
	for i, item := range tuple {
		n, ok := item.(int64)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%s[%d] is %s, expected a non-negative int",
				what, i, describe(item))
		}
		out[i] = n
	}
	return out, nil
}
