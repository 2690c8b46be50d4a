// Package mnist reads the MNIST handwritten-digit data set and single
// digit images into the form that LeNet-5 style models take.
//
// Data set files use the IDX format described at
// http://yann.lecun.com/exdb/mnist/: a big-endian magic number 0x00000803
// (unsigned bytes, 3 dimensions) followed by the image count, rows and
// columns, then the pixels row by row; or 0x00000801 followed by the label
// count and one byte per label. Files may be gzip-compressed or raw, which
// is detected from the gzip magic bytes rather than the file name.
//
// Pixels follow MNIST's convention: 0 is the black background and 255 the
// white stroke. Readers check every count in a header against the bytes
// actually present before they allocate, and their errors name the file.
package mnist
