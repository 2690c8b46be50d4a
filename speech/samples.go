package speech

import (
	"embed"
	"io/fs"
)

// samples are five clips of the FSDD test split (CC BY-SA 4.0), one per
// speaker for the digits 0, 3, 5, 7 and 9, copied unchanged from
// free-spoken-digit-dataset/recordings.
//
//go:embed sampledata/*.wav
var samples embed.FS

// Samples returns the embedded sample clips, named {digit}_{speaker}_{index}.wav,
// in byte order of names.
func Samples() fs.FS {
	sub, err := fs.Sub(samples, "sampledata")
	if err != nil {
		panic(err) // the folder is embedded; a failure is a programming error
	}
	return sub
}
