// Package explain computes per-prediction explanations of a CNN from one
// forward and one backward pass: saliency maps and Grad-CAM maps.
//
// Both maps explain one target logit per batch item (the predicted class
// unless a class is fixed), never the softmax probability. The backward
// pass starts from the sum of the target logits, so each item's gradient is
// its own: a batch gives the same maps as one image at a time.
//
// Saliency follows Simonyan, Vedaldi and Zisserman, "Deep Inside
// Convolutional Networks: Visualising Image Classification Models and
// Saliency Maps", arXiv:1312.6034. With x the input [C, H, W] and y the
// target logit,
//
//	saliency[h, w] = max over c of |∂y/∂x[c, h, w]|
//
// as raw gradient magnitudes, not rescaled. The signed variant keeps the
// sign: it takes ∂y/∂x at the channel whose magnitude is largest (the
// first such channel on ties).
//
// Grad-CAM follows Selvaraju et al., "Grad-CAM: Visual Explanations from
// Deep Networks via Gradient-based Localization", arXiv:1610.02391. With A
// the activation [K, h, w] of a spatial layer,
//
//	α[k]     = mean over (i, j) of ∂y/∂A[k, i, j]
//	cam[i, j] = ReLU(Σ_k α[k]·A[k, i, j])
//
// then cam is upsampled bilinearly to the input's H×W with half-pixel
// centres (PyTorch's F.interpolate with align_corners=False) and min–max
// scaled to [0, 1] per item; a constant map becomes zeros.
//
// Models with 1-D inputs [C, L], such as keypoint sequences, get maps of
// length L in the same way: saliency reduced over channels, and Grad-CAM
// from a 1-D layer [K, l] upsampled linearly (mode="linear").
package explain
