package models

// Layer is one step of a network. Forward keeps what Backward needs, so
// calls alternate: Forward, then at most one Backward for that batch.
// Returned tensors are owned by the layer and reused by its next call.
type Layer interface {
	// Name is the layer's name in parameter keys and explanations
	// ("conv1", "act2", "fc3").
	Name() string

	// OutputShape maps a per-sample input shape (no batch dimension) to
	// the per-sample output shape, or returns an error when it does not fit.
	OutputShape(in []int) ([]int, error)

	// Forward computes the output for a batch; train selects training
	// behaviour (dropout).
	Forward(x *Tensor, train bool) *Tensor

	// Backward takes the gradient of the loss with respect to the last
	// output and returns the gradient with respect to the last input.
	// With mode.ParamGrads it adds the parameter gradients to Param.Grad.
	// With !mode.InputGrad it may return nil.
	Backward(dy *Tensor, mode BackwardMode) *Tensor

	// Params lists the trainable parameters, in PyTorch's order.
	Params() []*Param
}

// BackwardMode says which gradients a backward pass must produce.
type BackwardMode struct {
	ParamGrads bool // accumulate weight and bias gradients
	InputGrad  bool // return the gradient with respect to the input
}

// Param is a trainable tensor and its gradient, named as in a PyTorch
// state_dict ("conv1.weight").
type Param struct {
	Name  string
	Value *Tensor
	Grad  *Tensor
}

func newParam(name string, shape ...int) *Param {
	return &Param{Name: name, Value: NewTensor(shape...), Grad: NewTensor(shape...)}
}
