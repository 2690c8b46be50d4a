// imdecode.h declares a call of OpenCV's cv::imdecode that turns its C++
// exceptions into an error message instead of ending the process.
#ifndef PIPELINE_VIDEO_IMDECODE_H
#define PIPELINE_VIDEO_IMDECODE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// pipeline_decoded is the result of pipeline_imdecode. On success, mat is
// an opaque cv::Mat (empty when OpenCV does not recognise the data) with
// its size, type and byte count. On failure, error is a message that the
// caller frees.
typedef struct {
	void *mat;
	int rows, cols, type;
	size_t bytes;
	char *error;
} pipeline_decoded;

pipeline_decoded pipeline_imdecode(const unsigned char *data, size_t length, int flags);

// pipeline_decoded_copy copies the decoded, continuous pixels to dst, which
// has room for the result's bytes.
void pipeline_decoded_copy(void *mat, unsigned char *dst);

void pipeline_decoded_free(void *mat);

#ifdef __cplusplus
}
#endif

#endif
