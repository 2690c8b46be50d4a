package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"pipeline/pipeline"
)

// progressLine shows the records written so far and their rate on one
// line of stderr, redrawn at most every 200 ms, and only when stderr is a
// terminal.
type progressLine struct {
	out     io.Writer
	enabled bool
	start   time.Time

	mu    sync.Mutex
	drawn time.Time
	shown bool
	last  pipeline.Stats
}

func newProgressLine(out io.Writer) *progressLine {
	enabled := false
	if file, ok := out.(*os.File); ok {
		info, err := file.Stat()
		enabled = err == nil && info.Mode()&os.ModeCharDevice != 0
	}
	return &progressLine{out: out, enabled: enabled, start: time.Now()}
}

func (p *progressLine) update(stats pipeline.Stats) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = stats
	if now := time.Now(); now.Sub(p.drawn) >= 200*time.Millisecond {
		p.drawn = now
		p.draw()
	}
}

func (p *progressLine) draw() {
	seconds := time.Since(p.start).Seconds()
	fmt.Fprintf(p.out, "\r%d records, %d errors, %.0f records/s ", p.last.Records,
		p.last.Errors, float64(p.last.Records)/max(seconds, 1e-9))
	p.shown = true
}

// finish draws the final counts and ends the line.
func (p *progressLine) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		p.draw()
		fmt.Fprintln(p.out)
	}
}
