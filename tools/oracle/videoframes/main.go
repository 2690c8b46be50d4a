// Command videoframes writes the first frames of a video as PNG files,
// decoded by this repository's video package. A reference tool that
// reads the PNGs gets exactly the pixels that tests reading the video
// get.
//
//	go run ./tools/oracle/videoframes VIDEO COUNT OUTDIR
//
// The files are named frame-0000.png, frame-0001.png, … in frame order,
// and each line of standard output gives a file and its timestamp in
// milliseconds.
package main

import (
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"pipeline/video"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: videoframes VIDEO COUNT OUTDIR")
		os.Exit(2)
	}
	count, err := strconv.Atoi(os.Args[2])
	if err != nil || count < 1 {
		fmt.Fprintf(os.Stderr, "videoframes: invalid COUNT %q: expected a positive integer\n",
			os.Args[2])
		os.Exit(2)
	}
	if err := writeFrames(os.Args[1], count, os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "videoframes:", err)
		os.Exit(1)
	}
}

func writeFrames(path string, count int, dir string) error {
	source, err := video.Open(path)
	if err != nil {
		return err
	}
	defer source.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := 0; i < count; i++ {
		frame, err := source.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("frame-%04d.png", i))
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		if err := png.Encode(f, frame.RGBA(nil)); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		timestamp := "none"
		if frame.TimestampMs != nil {
			timestamp = strconv.FormatFloat(*frame.TimestampMs, 'f', -1, 64)
		}
		fmt.Println(name, timestamp)
	}
	return nil
}
