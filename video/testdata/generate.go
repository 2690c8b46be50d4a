//go:build ignore

// Generate writes the small images and videos that the video package's
// tests read. Run it from the repository root after changing it:
//
//	go run video/testdata/generate.go
package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"gocv.io/x/gocv"
)

const dir = "video/testdata"

func main() {
	writePNG("bgr.png", primaries())
	writePNG("gray.png", &image.Gray{Pix: []uint8{0, 100, 255, 7, 128, 200},
		Stride: 3, Rect: image.Rect(0, 0, 3, 2)})
	writePNG("rgba.png", &image.NRGBA{Pix: []uint8{
		255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255, 10, 20, 30, 64},
		Stride: 8, Rect: image.Rect(0, 0, 2, 2)})
	writePNG("gray16.png", &image.Gray16{Pix: []uint8{0, 0, 100, 100, 255, 255, 128, 0},
		Stride: 4, Rect: image.Rect(0, 0, 2, 2)})
	writePNG("rgb16.png", &image.RGBA64{Pix: []uint8{
		255, 255, 0, 0, 0, 0, 255, 255, 100, 100, 200, 200, 0, 0, 255, 255},
		Stride: 16, Rect: image.Rect(0, 0, 2, 1)})
	writePNG("one-pixel.png", &image.Gray{Pix: []uint8{42}, Stride: 1,
		Rect: image.Rect(0, 0, 1, 1)})

	photo := encodeJPEG(halves(32, 16))
	write("halves.jpg", photo)
	write("exif-orientation-6.jpg", withOrientation(photo, 6))
	write("truncated.jpg", photo[:len(photo)/2])
	write("not-an-image.jpg", []byte("this is a text file, not a JPEG\n"))

	for i, name := range []string{"10.png", "2.png", "B.png", "a.png"} {
		writePNG(filepath.Join("folder", name), &image.Gray{Pix: []uint8{uint8(i)},
			Stride: 1, Rect: image.Rect(0, 0, 1, 1)})
	}
	write(filepath.Join("folder", "notes.txt"), []byte("not an image\n"))
	writePNG(filepath.Join("folder", ".hidden.png"), primaries())

	writeClip("clip.avi")
	clip, err := os.ReadFile(filepath.Join(dir, "clip.avi"))
	check(err)
	write("corrupt-frame.avi", corruptFrame(clip, 5))
	write("unknown-codec.avi", bytes.ReplaceAll(clip, []byte("MJPG"), []byte("ZZZZ")))
	write("large-frames.avi", withFrameSize(clip, 8000, 8000))

	// FFmpeg writes the H.264 and Matroska files, which OpenCV's writer
	// cannot shape: B-frames with the index at the start, and variable
	// frame durations.
	h264 := ffmpeg(30, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10", "-bf", "2",
		"-movflags", "+faststart", "-f", "mp4")
	write("truncated-h264.mp4", h264[:2000])
	write("variable-rate.mkv", ffmpeg(10,
		"-vf", "setpts='if(lt(N,5),N*0.04,0.2+(N-5)*0.2)/TB'", "-fps_mode", "passthrough",
		"-c:v", "mjpeg", "-q:v", "2", "-f", "matroska"))
}

// primaries is a 4×2 image: red, green, blue, white over black, grey,
// yellow, cyan, so that channel order shows in every pixel.
func primaries() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 2))
	colors := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255},
		{255, 255, 255, 255}, {0, 0, 0, 255}, {128, 128, 128, 255},
		{255, 255, 0, 255}, {0, 255, 255, 255}}
	for i, c := range colors {
		img.SetRGBA(i%4, i/4, c)
	}
	return img
}

// halves is a width×height image, red on the left half and blue on the
// right.
func halves(width, height int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			c := color.RGBA{255, 0, 0, 255}
			if x >= width/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(img image.Image) []byte {
	var buf bytes.Buffer
	check(jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}))
	return buf.Bytes()
}

// withOrientation inserts after the SOI marker an APP1 EXIF segment whose
// IFD0 holds one entry: Orientation (tag 0x0112, SHORT) = orientation.
func withOrientation(photo []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2A")                        // big-endian TIFF header
	binary.Write(&tiff, binary.BigEndian, uint32(8))      // IFD0 offset
	binary.Write(&tiff, binary.BigEndian, uint16(1))      // entry count
	binary.Write(&tiff, binary.BigEndian, uint16(0x0112)) // Orientation
	binary.Write(&tiff, binary.BigEndian, uint16(3))      // SHORT
	binary.Write(&tiff, binary.BigEndian, uint32(1))      // value count
	binary.Write(&tiff, binary.BigEndian, orientation)
	binary.Write(&tiff, binary.BigEndian, uint16(0)) // padding to 4 bytes
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)

	segment := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(segment[2:], uint16(2+len(payload)))
	segment = append(segment, payload...)
	out := append([]byte{}, photo[:2]...)
	out = append(out, segment...)
	return append(out, photo[2:]...)
}

// writeClip writes a 10-frame MJPEG AVI at 25 fps, 64×48, in which frame i
// is a uniform grey of level 20·i.
func writeClip(name string) {
	writer, err := gocv.VideoWriterFile(filepath.Join(dir, name), "MJPG", 25, 64, 48, true)
	check(err)
	defer writer.Close()
	for i := 0; i < 10; i++ {
		level := float64(20 * i)
		frame := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(level, level, level, 0),
			48, 64, gocv.MatTypeCV8UC3)
		check(writer.Write(frame))
		frame.Close()
	}
}

// corruptFrame overwrites the JPEG data of frame index of an MJPEG AVI
// (its '00dc' chunk), past the JPEG headers, with 0xFF 0x00 pairs.
func corruptFrame(clip []byte, index int) []byte {
	out := append([]byte{}, clip...)
	at := bytes.Index(out, []byte("movi")) // frames follow; the header may name 00dc too
	for i := 0; i <= index; i++ {
		next := bytes.Index(out[at:], []byte("00dc"))
		if next < 0 {
			log.Fatalf("frame %d not found", index)
		}
		at += next + 4
	}
	size := int(binary.LittleEndian.Uint32(out[at:]))
	data := out[at+4 : at+4+size]
	for i := len(data) / 2; i+1 < len(data)-2; i += 2 {
		data[i], data[i+1] = 0xFF, 0x00
	}
	copy(data[:4], []byte{0, 0, 0, 0})
	return out
}

// withFrameSize returns a copy of an MJPEG AVI whose headers (the AVI main
// header, the stream format and each JPEG's SOF0 segment) declare frames
// of width×height. The JPEG data still holds the old frames, so it does
// not decode, but OpenCV reports the declared size at open.
func withFrameSize(clip []byte, width, height int) []byte {
	out := append([]byte{}, clip...)
	mainHeader := bytes.Index(out, []byte("avih")) + 8
	// dwWidth and dwHeight follow eight other 4-byte fields.
	binary.LittleEndian.PutUint32(out[mainHeader+32:], uint32(width))
	binary.LittleEndian.PutUint32(out[mainHeader+36:], uint32(height))
	format := bytes.Index(out, []byte("strf")) + 8
	// biWidth and biHeight follow biSize.
	binary.LittleEndian.PutUint32(out[format+4:], uint32(width))
	binary.LittleEndian.PutUint32(out[format+8:], uint32(height))
	for at := 0; ; at += 2 {
		next := bytes.Index(out[at:], []byte{0xFF, 0xC0})
		if next < 0 {
			return out
		}
		at += next
		// The marker, the segment length and the sample precision come
		// before the height and width, big-endian.
		binary.BigEndian.PutUint16(out[at+5:], uint16(height))
		binary.BigEndian.PutUint16(out[at+7:], uint16(width))
	}
}

// ffmpeg encodes that many 64×48 frames at 25 fps, frame i a uniform grey
// of level 8·i, with the ffmpeg command-line tool and outputArgs, and
// returns the file it writes.
func ffmpeg(frames int, outputArgs ...string) []byte {
	raw := make([]byte, 0, frames*64*48*3)
	for i := 0; i < frames; i++ {
		raw = append(raw, bytes.Repeat([]byte{uint8(8 * i)}, 64*48*3)...)
	}
	args := append([]string{"-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
		"-s", "64x48", "-r", "25", "-i", "-"}, outputArgs...)
	path := filepath.Join(os.TempDir(), "video-testdata-ffmpeg")
	check(os.RemoveAll(path))
	command := exec.Command("ffmpeg", append(args, path)...)
	command.Stdin = bytes.NewReader(raw)
	command.Stderr = os.Stderr
	check(command.Run())
	data, err := os.ReadFile(path)
	check(err)
	check(os.Remove(path))
	return data
}

func writePNG(name string, img image.Image) {
	var buf bytes.Buffer
	check(png.Encode(&buf, img))
	write(name, buf.Bytes())
}

func write(name string, data []byte) {
	path := filepath.Join(dir, name)
	check(os.MkdirAll(filepath.Dir(path), 0o755))
	check(os.WriteFile(path, data, 0o644))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
