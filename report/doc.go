// Package report writes the HTML report of a training run: architecture and
// shape table, training parameters, test results, accuracy and loss curves,
// a PCA of the fully connected layers' outputs, and saliency and Grad-CAM
// overlays, with the plots as PNG files beside the page.
package report
