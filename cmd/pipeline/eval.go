package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"pipeline/models"
)

func newEvalCommand() *cobra.Command {
	var weights, dataDir string
	var asJSON bool
	var batch int
	cmd := &cobra.Command{
		Use:   "eval --model NAME [--weights FILE] --data DIR",
		Short: "Evaluate weights on a test set: accuracy, mean loss, confusion matrix",
		Long: "eval prints the accuracy, the mean cross-entropy per image and the confusion\n" +
			"matrix on the test set. FILE is our safetensors or a PyTorch state_dict\n" +
			"saved with torch.save (zip format); a .pth stores no architecture, so the\n" +
			"model flags say which (--model lenet5 --pool avg …). Without --weights the\n" +
			"built-in weights are evaluated.",
		Args: noArguments,
	}
	flags := addModelFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&weights, "weights", "", "weights file: .safetensors or PyTorch .pth")
	f.StringVar(&dataDir, "data", "", "data set: the MNIST folder (IDX files), the FSDD "+
		"recordings folder, or the sign-digit photo folder or its keypoint .parquet file")
	f.BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	f.IntVar(&batch, "batch", 1000, "images per forward pass")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if batch < 1 {
			return usageErrorf("--batch %d: expected at least 1", batch)
		}
		net, _, err := flags.loadNet(weights)
		if err != nil {
			return err
		}
		test, err := loadTestDataset(net.Spec, dataDir)
		if err != nil {
			return err
		}
		result := models.Evaluate(net, test, batch)
		collapse := result.Collapse()
		if collapse != "" {
			slog.Warn(collapse)
		}
		if asJSON {
			return printEvalJSON(cmd.OutOrStdout(), result, collapse)
		}
		printEvalText(cmd.OutOrStdout(), result, net.Spec.Labels, collapse)
		return nil
	}
	return cmd
}

func printEvalJSON(w io.Writer, r models.EvalResult, collapse string) error {
	out := struct {
		Correct   int     `json:"correct"`
		Total     int     `json:"total"`
		Accuracy  float64 `json:"accuracy"`
		AvgLoss   float64 `json:"avg_loss"`
		Missing   int     `json:"missing"`
		Collapsed *string `json:"collapsed"`
	}{r.Correct, r.Total, r.Accuracy(), round6(r.AvgLoss), r.Missing, nil}
	if collapse != "" {
		out.Collapsed = &collapse
	}
	return json.NewEncoder(w).Encode(out)
}

func printEvalText(w io.Writer, r models.EvalResult, labels []string, collapse string) {
	fmt.Fprintf(w, "accuracy %d/%d (%.2f%%)\n", r.Correct, r.Total, 100*r.Accuracy())
	fmt.Fprintf(w, "avg_loss %.6f\n", r.AvgLoss)
	if r.Missing > 0 {
		fmt.Fprintf(w, "missing %d (no model input, such as no hand found; counted as wrong)\n",
			r.Missing)
	}
	if collapse != "" {
		fmt.Fprintf(w, "COLLAPSED: %s\n", collapse)
	}
	fmt.Fprintln(w, "confusion matrix (rows: true class, columns: predicted class)")
	fmt.Fprint(w, formatConfusion(r.Confusion, labels))
}

// formatConfusion renders the matrix with right-aligned columns.
func formatConfusion(confusion [][]int, labels []string) string {
	width := 5
	for _, row := range confusion {
		for _, v := range row {
			width = max(width, len(fmt.Sprint(v))+1)
		}
	}
	label := func(i int) string {
		if i < len(labels) {
			return labels[i]
		}
		return fmt.Sprint(i)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s", width, "")
	for c := range confusion {
		fmt.Fprintf(&b, "%*s", width, label(c))
	}
	b.WriteByte('\n')
	for t, row := range confusion {
		fmt.Fprintf(&b, "%*s", width, label(t))
		for _, v := range row {
			fmt.Fprintf(&b, "%*d", width, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
