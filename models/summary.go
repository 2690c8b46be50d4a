package models

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// LayerSummary describes one layer for shape tables and reports.
type LayerSummary struct {
	Name   string
	Kind   string // Conv2d(1, 6, k=5), AvgPool2d(2), ReLU, …
	Output []int  // with the batch dimension first
	Params int
}

// Summary lists every layer with its output shape for a batch size.
func Summary(n *Net, batch int) []LayerSummary {
	var rows []LayerSummary
	for i, l := range n.Layers {
		params := 0
		for _, p := range l.Params() {
			params += p.Value.Len()
		}
		rows = append(rows, LayerSummary{
			Name: l.Name(), Kind: layerKind(l),
			Output: append([]int{batch}, n.Shapes()[i]...), Params: params,
		})
	}
	return rows
}

func layerKind(l Layer) string {
	switch l := l.(type) {
	case *Conv2d:
		if l.pad > 0 {
			return fmt.Sprintf("Conv2d(%d, %d, k=%d, pad=%d)", l.in, l.out, l.kernel, l.pad)
		}
		return fmt.Sprintf("Conv2d(%d, %d, k=%d)", l.in, l.out, l.kernel)
	case *Conv1d:
		return fmt.Sprintf("Conv1d(%d, %d, k=%d, pad=%d)", l.in, l.out, l.kernel, l.pad)
	case *Pool2d:
		if l.isMax {
			return fmt.Sprintf("MaxPool2d(%d)", l.size)
		}
		return fmt.Sprintf("AvgPool2d(%d)", l.size)
	case *Linear:
		return fmt.Sprintf("Linear(%d, %d)", l.in, l.out)
	case *Activation:
		return map[string]string{"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[l.kind]
	case *Flatten:
		return "Flatten"
	case *Dropout:
		return fmt.Sprintf("Dropout(%g)", l.p)
	}
	return fmt.Sprintf("%T", l)
}

// ShapeTable renders Summary as an aligned text table with the input
// shape first and the parameter total last.
func ShapeTable(n *Net, batch int) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "layer\ttype\toutput shape\tparams\t\n")
	fmt.Fprintf(w, "input\t\t%s\t\t\n", FormatShape(append([]int{batch}, n.Spec.Input...)))
	total := 0
	for _, row := range Summary(n, batch) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t\n", row.Name, row.Kind, FormatShape(row.Output), row.Params)
		total += row.Params
	}
	fmt.Fprintf(w, "total\t\t\t%d\t\n", total)
	w.Flush()
	return b.String()
}

// FormatShape formats a shape as PyTorch prints it: [1000, 6, 24, 24].
func FormatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
