package video

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gocv.io/x/gocv"
)

// Open opens src by its form:
//   - "webcam" or "webcam:N": camera 0 or camera N (OpenWebcam);
//   - a folder: its images in byte order of names (OpenImages);
//   - a file whose extension is an image format (IsImageFile): one image;
//   - any other file: a video (OpenVideo).
func Open(src string) (Source, error) {
	if device, ok, err := ParseWebcam(src); ok {
		if err != nil {
			return nil, err
		}
		return OpenWebcam(device)
	}
	info, err := statSource(src)
	if err != nil {
		return nil, err
	}
	if info.IsDir() || IsImageFile(src) {
		return OpenImages(src)
	}
	return OpenVideo(src)
}

// ParseWebcam reports whether src names a webcam ("webcam" or "webcam:N")
// and returns its device number. err is set for a webcam name whose number
// is not a non-negative integer.
func ParseWebcam(src string) (device int, ok bool, err error) {
	if src == "webcam" {
		return 0, true, nil
	}
	number, found := strings.CutPrefix(src, "webcam:")
	if !found {
		return 0, false, nil
	}
	device, err = strconv.Atoi(number)
	if err != nil || device < 0 {
		return 0, true, fmt.Errorf("video: source %q: %w: device number %q "+
			"is not a non-negative integer", src, ErrOpen, number)
	}
	return device, true, nil
}

// statSource returns the file information of path, or an error naming path
// once (not twice, as os.Stat's own error would).
func statSource(path string) (os.FileInfo, error) {
	info, err := os.Stat(path)
	if pathErr, ok := err.(*fs.PathError); ok {
		err = pathErr.Err
	}
	if err != nil {
		return nil, fmt.Errorf("video: open %s: %w: %w", path, ErrOpen, err)
	}
	return info, nil
}

// OpenVideo opens a video file. Its timestamps come from the container.
func OpenVideo(path string) (Source, error) {
	info, err := statSource(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("video: open %s: %w: it is a folder", path, ErrOpen)
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	device, err := gocv.VideoCaptureFile(path)
	if err != nil {
		device.Close()
		return nil, fmt.Errorf("video: open %s: %w: no OpenCV backend reads it: %s",
			path, ErrOpen, describeContainer(path, info.Size()))
	}
	c, err := newCapture(path, device)
	if err != nil {
		device.Close()
		return nil, err
	}
	c.useContainerClock()
	return c, nil
}

// checkRegular returns an error naming path unless info is a regular file.
// Opening a named pipe blocks until a writer appears, inside OpenCV's open
// call or os.ReadFile, where a cancelled context cannot stop it, so only
// regular files are opened.
func checkRegular(path string, info os.FileInfo) error {
	kind := specialFileKind(info.Mode())
	if kind == "" {
		return nil
	}
	return fmt.Errorf("video: open %s: %w: it is %s, not a regular file; "+
		"pass a regular file, or webcam:N for camera N", path, ErrOpen, kind)
}

// specialFileKind describes a file mode that is not a regular file, such
// as "a named pipe (FIFO)", and returns "" for a regular file.
func specialFileKind(mode os.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&os.ModeSocket != 0:
		return "a socket"
	case mode&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// OpenWebcam opens camera device (0 for the first) through the same capture
// code as video files. Its timestamps are the wall-clock time since it
// opened.
func OpenWebcam(device int) (Source, error) {
	name := "webcam:" + strconv.Itoa(device)
	camera, err := gocv.VideoCaptureDevice(device)
	if err != nil {
		camera.Close()
		return nil, fmt.Errorf("video: open %s: %w: no camera %d (/dev/video%d on "+
			"Linux) or no OpenCV capture backend for it", name, ErrOpen, device, device)
	}
	c, err := newCapture(name, camera)
	if err != nil {
		camera.Close()
		return nil, err
	}
	c.useWallClock()
	return c, nil
}

// openVideoAsWebcam opens a video file through the webcam path: wall-clock
// timestamps and a live stream. Tests use it because these machines have no
// camera.
func openVideoAsWebcam(path string) (*capture, error) {
	device, err := gocv.VideoCaptureFile(path)
	if err != nil {
		device.Close()
		return nil, fmt.Errorf("video: open %s: %w", path, ErrOpen)
	}
	c, err := newCapture(path, device)
	if err != nil {
		device.Close()
		return nil, err
	}
	c.useWallClock()
	return c, nil
}

// imageExtensions are the file extensions read as images, lower case. A
// test checks that Debian's OpenCV 4.6 decodes each of them.
//
// NOTE: OpenCV also reads PNM, JPEG 2000, OpenEXR and Sun raster files;
// they are not listed, so Open takes them for videos.
var imageExtensions = map[string]bool{
	".bmp": true, ".dib": true, ".jpg": true, ".jpeg": true, ".jpe": true,
	".png": true, ".tif": true, ".tiff": true, ".webp": true,
}

// IsImageFile reports whether path has an image extension (.bmp, .dib,
// .jpg, .jpeg, .jpe, .png, .tif, .tiff or .webp, in any case).
func IsImageFile(path string) bool {
	return imageExtensions[strings.ToLower(filepath.Ext(path))]
}
