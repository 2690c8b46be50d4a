package video

/*
#cgo !windows pkg-config: opencv4
#cgo CXXFLAGS: --std=c++11
#include <stdlib.h>
#include "imdecode.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"gocv.io/x/gocv"
)

// imdecode decodes an image file's bytes with OpenCV, as gocv.IMDecode
// does, but returns OpenCV's exceptions as errors wrapping ErrDecode.
// gocv.IMDecode lets them through, and an uncaught C++ exception ends the
// process: OpenCV throws, for example, on a header that declares more
// pixels than it accepts in a format whose header only it reads. The
// caller closes the Mat, which is empty when OpenCV does not recognise the
// data.
func imdecode(data []byte, flags gocv.IMReadFlag) (gocv.Mat, error) {
	if len(data) == 0 {
		return gocv.NewMat(), nil
	}
	decoded := C.pipeline_imdecode((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		C.int(flags))
	if decoded.error != nil {
		message := C.GoString(decoded.error)
		C.free(unsafe.Pointer(decoded.error))
		return gocv.Mat{}, fmt.Errorf("%w: OpenCV: %s", ErrDecode, strings.TrimSpace(message))
	}
	defer C.pipeline_decoded_free(decoded.mat)
	if decoded.bytes == 0 {
		return gocv.NewMat(), nil
	}
	pixels := make([]byte, int(decoded.bytes))
	C.pipeline_decoded_copy(decoded.mat, (*C.uchar)(unsafe.Pointer(&pixels[0])))
	return gocv.NewMatFromBytes(int(decoded.rows), int(decoded.cols),
		gocv.MatType(decoded._type), pixels)
}
