package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"pipeline/models"
	"pipeline/report"
)

func newReportCommand() *cobra.Command {
	var dataDir string
	var samples, pcaSize int
	cmd := &cobra.Command{
		Use:   "report RUNDIR",
		Short: "Write RUNDIR/report.html with curves, PCA plots and explanations",
		Long: "report evaluates the run's weights on the test set and writes\n" +
			"RUNDIR/report.html with PNG files beside it: the architecture and shape table,\n" +
			"the training parameters, the test results, accuracy and loss curves, PCA\n" +
			"scatter plots of the fully connected layers' outputs coloured by class, and\n" +
			"saliency and Grad-CAM overlays for sample test items.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("report needs one run folder: pipeline report RUNDIR")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "", "data set folder (default: the one the run trained on)")
	f.IntVar(&samples, "samples", 10, "test items drawn with saliency and Grad-CAM")
	f.IntVar(&pcaSize, "pca", 1000, "test items in the PCA plots")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, _, _, err := models.LoadRun(args[0])
		if err != nil {
			return usageError{err}
		}
		if dataDir == "" {
			dataDir = cfg.Data
		}
		test, err := loadTestDataset(cfg.Model, dataDir)
		if err != nil {
			return err
		}
		path, err := report.Write(report.Options{RunDir: args[0], Test: test,
			PCASize: pcaSize, Samples: samples})
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), path)
		return nil
	}
	return cmd
}

func init() { extraCommands = append(extraCommands, newReportCommand) }
