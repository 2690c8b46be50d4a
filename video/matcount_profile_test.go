//go:build matprofile

package video

import "gocv.io/x/gocv"

// matProfileBuilt reports whether gocv counts open Mats in this build.
const matProfileBuilt = true

// openMats returns how many gocv Mats are open.
func openMats() int { return gocv.MatProfile.Count() }
