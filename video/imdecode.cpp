#include "imdecode.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <opencv2/imgcodecs.hpp>

static char *copy_message(const char *message) {
	size_t n = std::strlen(message) + 1;
	char *out = static_cast<char *>(std::malloc(n));
	if (out != nullptr) {
		std::memcpy(out, message, n);
	}
	return out;
}

pipeline_decoded pipeline_imdecode(const unsigned char *data, size_t length, int flags) {
	pipeline_decoded out = {nullptr, 0, 0, 0, 0, nullptr};
	try {
		cv::Mat buffer(1, static_cast<int>(length), CV_8UC1, const_cast<unsigned char *>(data));
		cv::Mat *mat = new cv::Mat(cv::imdecode(buffer, flags));
		if (!mat->empty() && !mat->isContinuous()) {
			*mat = mat->clone();
		}
		out.mat = mat;
		out.rows = mat->rows;
		out.cols = mat->cols;
		out.type = mat->type();
		out.bytes = mat->empty() ? 0 : mat->total() * mat->elemSize();
	} catch (const std::exception &e) {
		out.error = copy_message(e.what());
	} catch (...) {
		out.error = copy_message("unknown exception in cv::imdecode");
	}
	return out;
}

void pipeline_decoded_copy(void *mat, unsigned char *dst) {
	const cv::Mat *m = static_cast<const cv::Mat *>(mat);
	std::memcpy(dst, m->data, m->total() * m->elemSize());
}

void pipeline_decoded_free(void *mat) { delete static_cast<cv::Mat *>(mat); }
