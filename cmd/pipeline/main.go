// Command pipeline turns images, video and audio into model inputs, runs
// small CNNs on them with saliency and Grad-CAM explanations, and trains,
// evaluates and reports on those CNNs.
//
// Run `pipeline --help` for the commands. Exit codes: 0 when every input
// was processed, 1 when some inputs became error records or a command
// failed, 2 for bad flags or unusable sources.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	exitOK         = 0
	exitSomeFailed = 1
	exitUsage      = 2
)

// usageError marks errors caused by bad flags or unusable sources.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errSomeFailed reports that a command finished but some inputs became
// error records, which name the failed inputs.
var errSomeFailed = errors.New("some inputs failed")

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "pipeline",
		Short: "Model inputs, CNN predictions and their explanations, streamed as JSONL",
		Long: "pipeline turns images, video and WAV audio into model inputs, runs small\n" +
			"CNNs on them and attaches saliency and Grad-CAM maps to every prediction.\n" +
			"With no arguments, `pipeline run` streams a few embedded MNIST digits\n" +
			"through the embedded LeNet-5.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(newTrainCommand(), newEvalCommand(), newModelsCommand())
	for _, add := range extraCommands {
		root.AddCommand(add())
	}
	return root
}

// extraCommands are registered by other files of this package.
var extraCommands []func() *cobra.Command

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the command line args and returns the exit code.
func execute(args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errSomeFailed):
		return exitSomeFailed
	}
	// Errors from the pipeline package already carry this prefix.
	fmt.Fprintln(stderr, "pipeline:", strings.TrimPrefix(err.Error(), "pipeline: "))
	var usage usageError
	if errors.As(err, &usage) || isCobraUsageError(err) {
		return exitUsage
	}
	return exitSomeFailed
}

// noArguments rejects positional arguments, which none of the commands
// take. Shell globs are the usual cause: --src takes one path, so the
// other matched files arrive as arguments, and cobra would call the first
// one an unknown command.
func noArguments(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := "every value belongs to a flag; quote paths that contain spaces"
	if cmd.Flags().Lookup("src") != nil {
		hint = "--src takes one file or folder, so pass the folder instead of a " +
			"shell glob"
		if cmd.Name() == "run" {
			hint += ", or repeat --src for each file"
		}
	}
	return usageErrorf("unexpected argument %q: %s", args[0], hint)
}

// isCobraUsageError recognises cobra's own argument errors, which it does
// not type.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "accepts ", "requires at least",
		"unknown flag", "unknown shorthand flag", "invalid argument"} {
		if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
