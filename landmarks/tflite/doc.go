// Package tflite runs TensorFlow Lite models in float32 with its own
// flatbuffer reader and kernels, for MediaPipe's palm_detection,
// hand_landmark, pose_detection and pose_landmark models.
//
// It reads the TFLite schema (version 3) and runs the first subgraph with
// the operators those models use: CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED, ADD, PRELU, LOGISTIC, MAX_POOL_2D, PAD,
// RESIZE_BILINEAR, RESHAPE, CONCATENATION, MEAN and DEPTH_TO_SPACE, each
// with the semantics of TFLite's reference kernels (SAME padding with the
// odd element after, fused RELU/RELU6, broadcasting ADD and PRELU,
// RESIZE_BILINEAR with align_corners and half_pixel_centers). DEQUANTIZE
// of float16 weights and DENSIFY of sparse weights run once, at load time,
// and interpreters of the same model bytes share their results.
// Tensors are NHWC, as in TFLite. Convolutions are im2col followed by a
// matrix product: an AVX2 kernel of this package (conv_amd64.c) or, on
// other CPUs, internal/kernels.Sgemm. Activation buffers are allocated at
// load time, the intermediate ones as slices of one arena planned by
// tensor lifetimes (plan.go), so Invoke allocates nothing.
//
// Why an interpreter of our own: the other route, converting the models to
// ONNX for OpenCV's DNN module, is closed on these machines. Debian's
// OpenCV 4.6.0 has no TFLite importer (readNetFromTFLite arrived in 4.7),
// and tf2onnx, the converter, is not installable here (pip finds no
// distribution). The interpreter's outputs match Google's LiteRT.js 2.5.3
// on all seven embedded models to within 0.2% of each output's mean
// magnitude (TestMatchesLiteRT; tools/tflite-oracle makes the golden
// file).
package tflite
