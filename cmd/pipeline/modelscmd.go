package main

import (
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"pipeline/models"
)

func newModelsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the built-in models",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tINPUT\tCLASSES\tWEIGHTS\tDESCRIPTION")
			for _, name := range models.BuiltinNames() {
				spec, _ := models.BuiltinSpec(name)
				weights := "none"
				if raw := models.BuiltinWeights(name); raw != nil {
					weights = "embedded"
				}
				fmt.Fprintf(w, "%s\t%v\t%d\t%s\t%s\n", name, spec.Input, spec.Classes, weights,
					models.BuiltinDescription(name))
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(newModelsShowCommand())
	return cmd
}

func newModelsShowCommand() *cobra.Command {
	var batch int
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Print each layer's output shape and parameter count",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("models show needs one model name: pipeline models show NAME")
			}
			return nil
		},
	}
	flags := addModelFlags(cmd)
	// The model is the NAME argument, so --model is hidden here and
	// rejected below.
	if err := cmd.Flags().MarkHidden("model"); err != nil {
		slog.Error("hiding --model failed", "error", err)
	}
	cmd.Flags().IntVar(&batch, "batch", 1, "batch size shown as the first dimension")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Flags().Changed("model") {
			return usageErrorf("models show takes the model as its argument, not --model: " +
				"pipeline models show NAME")
		}
		flags.name = args[0]
		spec, err := flags.spec()
		if err != nil {
			return err
		}
		net, err := models.Build(spec, 1)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprint(cmd.OutOrStdout(), models.ShapeTable(net, batch))
		return nil
	}
	return cmd
}
