// Package models is a small CNN engine: float32 tensors, layers with an
// explicit forward and backward pass, softmax cross-entropy, SGD and Adam,
// training and evaluation loops, architectures described as data, and the
// built-in model zoo with embedded weights.
//
// Layers follow PyTorch's definitions and parameter layout (Conv2d weights
// are [out, in, kH, kW], Linear weights are [out, in]) and its default
// initialisation, so that a state_dict moves between the two unchanged.
// Work is split over a fixed set of batch chunks, so a seeded run gives the
// same numbers whatever the number of cores.
package models
