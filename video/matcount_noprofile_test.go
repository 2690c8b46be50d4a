//go:build !matprofile

package video

// matProfileBuilt reports whether gocv counts open Mats in this build; it
// does only with -tags matprofile.
const matProfileBuilt = false

// openMats returns 0, because this build does not count Mats.
func openMats() int { return 0 }
