// Package shareddata locates the shared data sets that tests and benchmarks
// read, and skips the test, naming what is missing, when they are absent.
//
// The folder comes from the environment variable PIPELINE_DATA; when it is
// unset, the folder ../shared/data beside the repository root is used if it
// exists.
package shareddata
