// Package checkpoint reads and writes model weights as named float32
// tensors, independent of the CNN engine that uses them.
//
// Two formats are supported:
//
//   - safetensors (https://github.com/huggingface/safetensors): an 8-byte
//     little-endian header length, a JSON header that maps each tensor name
//     to its dtype, shape and data_offsets (plus an optional __metadata__
//     map of strings), then the raw little-endian tensor bytes. WriteFile
//     writes F32 tensors atomically; ReadFile reads F32, F16, BF16 and F64.
//   - PyTorch state_dict files made by torch.save with the zip format, the
//     default since PyTorch 1.6 (https://pytorch.org/docs/stable/notes/serialization.html):
//     a zip archive holding a pickle (protocol 2) in <folder>/data.pkl and
//     one raw little-endian record per storage in <folder>/data/<key>.
//     ReadPTH runs a small pickle virtual machine that builds tensors
//     without executing any Python.
//
// Integer and bool tensors, such as BatchNorm's num_batches_tracked, are
// skipped by both readers, because Tensor holds float32 weights and these
// are counters or masks. Their byte ranges are still validated.
//
// Readers check every size in a file against the bytes actually present
// before they allocate, and return errors that name the file; errors about
// malformed content match ErrFormat with errors.Is.
package checkpoint
