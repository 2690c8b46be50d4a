package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"pipeline/models"
)

// modelFlags are the flags that choose and reshape an architecture. A .pth
// file stores no architecture, so these flags select the one its tensors fit.
type modelFlags struct {
	name      string
	pool, act string
	conv, fc  string
	extraPool bool
	dropout   float64
	cmd       *cobra.Command
}

func addModelFlags(cmd *cobra.Command) *modelFlags {
	f := &modelFlags{cmd: cmd}
	flags := cmd.Flags()
	flags.StringVar(&f.name, "model", "lenet5", "built-in architecture to start from "+
		"(list them with: pipeline models)")
	flags.StringVar(&f.pool, "pool", "", "pooling after each convolution: avg, max or none "+
		"(default: the model's)")
	flags.StringVar(&f.act, "act", "", "activation: relu, tanh or sigmoid (default: the model's)")
	flags.StringVar(&f.conv, "conv", "", "output channels of each convolution, "+
		"comma-separated, e.g. 6,16 (default: the model's)")
	flags.StringVar(&f.fc, "fc", "", "widths of the hidden fully connected layers, "+
		"e.g. 120,84 (default: the model's)")
	flags.BoolVar(&f.extraPool, "extra-pool", false, "add one more 2×2 pooling before "+
		"the flatten")
	flags.Float64Var(&f.dropout, "dropout", 0, "dropout probability after each hidden "+
		"fully connected layer")
	return f
}

// changed reports whether any flag other than --model was set, that is,
// whether the user reshaped the architecture.
func (f *modelFlags) changed() bool {
	for _, name := range []string{"pool", "act", "conv", "fc", "extra-pool", "dropout"} {
		if f.cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// spec resolves the architecture from the flags.
func (f *modelFlags) spec() (models.Spec, error) {
	spec, err := models.BuiltinSpec(f.name)
	if err != nil {
		return spec, usageError{err}
	}
	if f.pool != "" {
		spec.Pool = f.pool
	}
	if f.act != "" {
		spec.Act = f.act
	}
	if f.cmd.Flags().Changed("conv") {
		if spec.Conv, err = models.ParseWidths(f.conv); err != nil {
			return spec, usageErrorf("--conv: %w", err)
		}
	}
	if f.cmd.Flags().Changed("fc") {
		if spec.FC, err = models.ParseWidths(f.fc); err != nil {
			return spec, usageErrorf("--fc: %w", err)
		}
	}
	spec.ExtraPool = spec.ExtraPool || f.extraPool
	if f.cmd.Flags().Changed("dropout") {
		spec.Dropout = f.dropout
	}
	if err := spec.Validate(); err != nil {
		return spec, usageError{err}
	}
	return spec, nil
}

// loadNet returns the network for weightsPath, or the built-in weights
// when weightsPath is empty, and the weights' SHA-256. Our own weight
// files carry their architecture, which is used unless model flags were
// given; a .pth takes its architecture from the flags.
func (f *modelFlags) loadNet(weightsPath string) (*models.Net, string, error) {
	if weightsPath == "" {
		if f.changed() {
			return nil, "", usageErrorf("a reshaped model (--pool, --conv, …) needs --weights")
		}
		net, digest, err := models.LoadBuiltin(f.name)
		if err != nil {
			return nil, "", usageError{err}
		}
		return net, digest, nil
	}
	tensors, stored, digest, err := models.ReadWeights(weightsPath)
	if err != nil {
		return nil, "", usageError{err}
	}
	spec, err := f.spec()
	if err != nil {
		return nil, "", err
	}
	if stored != nil && !f.changed() && !f.cmd.Flags().Changed("model") {
		spec = *stored
	}
	net, err := models.Build(spec, 1)
	if err != nil {
		return nil, "", usageError{err}
	}
	if err := net.SetWeights(tensors, weightsPath); err != nil {
		return nil, "", usageError{fmt.Errorf("%w (the architecture comes from --model, "+
			"--pool, --conv, --fc and --extra-pool)", err)}
	}
	return net, digest, nil
}
