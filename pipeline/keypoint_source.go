package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"runtime"
	"slices"

	"pipeline/landmarks"
	"pipeline/models"
	"pipeline/signdigits"
	"pipeline/video"
)

// Kinds of keypoints a KeypointFinder looks for.
const (
	KindHand = "hand"
	KindPose = "pose"
)

// Notes of frames in which nothing was found. They are not errors.
const (
	NoteNoHand = "no hand found"
	NoteNoPose = "no pose found"
)

// KeypointOptions configures a KeypointFinder.
type KeypointOptions struct {
	Kind  string // KindHand or KindPose
	Hands landmarks.HandOptions
	Pose  landmarks.PoseOptions

	// Mirrored is set when frames are mirrored, as a selfie preview is.
	// The handedness written is the person's hand, which depends on it.
	Mirrored bool

	// MaxFrames limits the frames or images read from each source; 0 reads
	// all of them.
	MaxFrames int

	// Landmarkers is the number of idle landmarkers kept for reuse, one
	// per decode worker; 0 means GOMAXPROCS, the engine's default. Set it
	// to Config.DecodeWorkers when that is not the default: a worker that
	// finds no idle landmarker loads a new one, which is dropped again
	// when more than Landmarkers are idle.
	Landmarkers int

	// Track tracks hands or the body from one video or webcam frame to the
	// next (DetectVideo of landmarks.HandLandmarker and
	// landmarks.PoseLandmarker, MediaPipe's video mode) instead of
	// searching each frame on its own. Images are not tracked.
	//
	// One landmarker per source takes the frames in order, and its model
	// inferences use GOMAXPROCS goroutines (unless Hands.Threads or
	// Pose.Threads sets another number). The palm detector still runs on every
	// frame while fewer than NumHands hands are tracked. Measured on 2
	// cores over the 205 frames of people/video.avi, `pipeline run`
	// tracked the body at 77 frames/s against 53 in image mode, and found
	// it in 203 frames against 193; with no hand in the video, hand
	// tracking ran the palm detector on every frame, at 88 frames/s
	// against 112.
	Track bool

	// Attach keeps each frame and its keypoints in Decoded.Attachment as a
	// *KeypointFrame, for overlays. It holds the frame's pixels until the
	// record is encoded.
	Attach bool
}

// KeypointFrame is the attachment of a keypoint unit when
// KeypointOptions.Attach is set.
type KeypointFrame struct {
	Frame video.Frame
	Hands []landmarks.Hand // all hands found; nil for pose
	Best  int              // index in Hands of the hand given to the model; -1 for none
	Pose  *landmarks.Pose  // the body found; nil for hands or when none was
}

// KeypointFinder opens video, webcam and image sources whose units are the
// hands or the body that MediaPipe's landmark models find in each frame.
//
// Frames are searched each on its own (MediaPipe's image mode) by a pool
// of landmarkers, so they are decoded concurrently and out of order. With
// KeypointOptions.Track, hands in video and webcam frames are tracked from
// the previous frame instead, and so are bodies, by one landmarker per
// source that takes the frames in order on its own goroutine.
type KeypointFinder struct {
	opts KeypointOptions
	idle chan *landmarker // landmarkers not in use; at most opts.Landmarkers
}

// landmarker is one hand or pose landmarker with its frame buffer. It is
// used by one decode worker at a time.
type landmarker struct {
	hands *landmarks.HandLandmarker
	pose  *landmarks.PoseLandmarker
	rgba  *image.RGBA
}

// NewKeypointFinder checks opts and loads one landmarker, so that a
// model that does not load fails here and not on every frame.
func NewKeypointFinder(opts KeypointOptions) (*KeypointFinder, error) {
	if opts.Kind != KindHand && opts.Kind != KindPose {
		return nil, fmt.Errorf("pipeline: keypoint kind %q, expected %s or %s",
			opts.Kind, KindHand, KindPose)
	}
	if opts.Landmarkers <= 0 {
		opts.Landmarkers = runtime.GOMAXPROCS(0)
	}
	f := &KeypointFinder{opts: opts, idle: make(chan *landmarker, opts.Landmarkers)}
	first, err := f.newLandmarker(1)
	if err != nil {
		return nil, err
	}
	f.idle <- first
	return f, nil
}

// newLandmarker loads a landmarker whose model inferences use threads
// goroutines, unless the options set their own number.
func (f *KeypointFinder) newLandmarker(threads int) (*landmarker, error) {
	var l landmarker
	var err error
	if f.opts.Kind == KindHand {
		opts := f.opts.Hands
		opts.Threads = cmp.Or(opts.Threads, threads)
		l.hands, err = landmarks.NewHandLandmarker(opts)
	} else {
		opts := f.opts.Pose
		opts.Threads = cmp.Or(opts.Threads, threads)
		l.pose, err = landmarks.NewPoseLandmarker(opts)
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: load %s landmarker: %w", f.opts.Kind, err)
	}
	return &l, nil
}

// take returns an idle landmarker, or a new one when all are in use.
func (f *KeypointFinder) take() (*landmarker, error) {
	select {
	case l := <-f.idle:
		return l, nil
	default:
		return f.newLandmarker(1)
	}
}

// give returns l for reuse, or drops it when enough are idle.
func (f *KeypointFinder) give(l *landmarker) {
	select {
	case f.idle <- l:
	default:
		l.close()
	}
}

func (l *landmarker) close() {
	if l.hands != nil {
		l.hands.Close()
	}
	if l.pose != nil {
		l.pose.Close()
	}
}

// Close releases the idle landmarkers. Sources opened by f must be done.
func (f *KeypointFinder) Close() error {
	for {
		select {
		case l := <-f.idle:
			l.close()
		default:
			return nil
		}
	}
}

// Open opens src (a video file, webcam or webcam:N, an image or a folder of
// images, as video.Open reads them) as a source of keypoint units. The
// error for a path that cannot be opened matches ErrUnusableSource.
func (f *KeypointFinder) Open(src string) (Source, error) {
	if src == "-" {
		return nil, &unusableError{src, errors.New("keypoint runs read files, folders " +
			"or webcams; standard input is read only by audio models")}
	}
	frames, err := video.Open(src)
	if err != nil {
		return nil, &unusableError{src, err}
	}
	if _, webcam, _ := video.ParseWebcam(src); webcam {
		return &keypointSource{finder: f, name: src, frames: frames}, nil
	}
	// A file or folder is opened again when its first frame is read, so
	// that a run over many sources holds only one open at a time.
	if err := frames.Close(); err != nil {
		return nil, &unusableError{src, err}
	}
	return &keypointSource{finder: f, name: src}, nil
}

// keypointSource yields the frames of one video source; its units decode
// into keypoints and, with a keypoint model, the model input of the best
// hand.
type keypointSource struct {
	finder  *KeypointFinder
	name    string
	frames  video.Source
	tracker *tracker // started by the first video or webcam frame to track
	closed  bool
	read    int
	done    bool
}

func (s *keypointSource) Name() string { return s.name }

// Close closes the frames and stops the tracker after the frames already
// given to it.
func (s *keypointSource) Close() error {
	if s.tracker != nil {
		s.tracker.stop()
		s.tracker = nil
	}
	s.closed = true
	if s.frames == nil {
		return nil
	}
	return s.frames.Close()
}

func (s *keypointSource) Next(ctx context.Context) (Input, bool) {
	maxFrames := s.finder.opts.MaxFrames
	if s.done || s.closed || ctx.Err() != nil || maxFrames > 0 && s.read >= maxFrames {
		return Input{}, false
	}
	if s.frames == nil {
		frames, err := video.Open(s.name)
		if err != nil {
			s.done = true
			return Input{Source: s.name, Err: fmt.Errorf("pipeline: reopen %s: %w", s.name,
				err)}, true
		}
		s.frames = frames
	}
	frame, err := s.frames.Next()
	if errors.Is(err, io.EOF) {
		s.done = true
		return Input{}, false
	}
	s.read++
	if frame.Source == "" {
		frame.Source = s.name
	}
	if err != nil {
		return Input{Source: frame.Source, Index: frame.Index, Err: err}, true
	}

	frame = frame.Clone() // the source reuses the pixels on the next call
	decode := func(spec *models.Spec, dst []float32) (Decoded, error) {
		return s.finder.decode(frame, spec, dst)
	}
	if s.finder.opts.Track && frame.TimestampMs != nil {
		result, err := s.track(frame)
		if err != nil {
			return Input{Source: frame.Source, Index: frame.Index, Err: err}, true
		}
		decode = func(spec *models.Spec, dst []float32) (Decoded, error) {
			return s.finder.decodeTracked(frame, result, spec, dst)
		}
	}
	return Input{Source: frame.Source, Index: frame.Index, TimestampMs: frame.TimestampMs,
		Notes: frame.Notes, DecodeUnit: decode}, true
}

// decode finds the keypoints of frame and, when spec is set, writes the
// model input of the best hand into dst.
func (f *KeypointFinder) decode(frame video.Frame, spec *models.Spec,
	dst []float32) (Decoded, error) {
	if spec != nil {
		if err := checkKeypointModel(spec, f.opts.Kind); err != nil {
			return Decoded{}, fmt.Errorf("pipeline: %s: %w", frameName(frame), err)
		}
	}
	l, err := f.take()
	if err != nil {
		return Decoded{}, err
	}
	defer f.give(l)
	l.rgba = frame.RGBA(l.rgba)

	if f.opts.Kind == KindPose {
		return f.decodePose(l, frame)
	}
	return f.decodeHands(l, frame, spec, dst)
}

// checkKeypointModel reports whether a model of spec takes the keypoints
// of kind: only hand models, [3, 21] (package signdigits), exist.
func checkKeypointModel(spec *models.Spec, kind string) error {
	want := []int{signdigits.Channels, signdigits.Points}
	if kind != KindHand || spec.InputKind != "keypoints" || !slices.Equal(spec.Input, want) {
		return fmt.Errorf("model %s takes input %v (%q), not %s keypoints", spec.Name,
			spec.Input, spec.InputKind, kind)
	}
	return nil
}

func (f *KeypointFinder) decodePose(l *landmarker, frame video.Frame) (Decoded, error) {
	pose, err := l.pose.Detect(l.rgba)
	if err != nil {
		return Decoded{}, fmt.Errorf("pipeline: %s: %w", frameName(frame), err)
	}
	return f.poseDecoded(frame, pose), nil
}

// poseDecoded returns the unit of frame with the body found in it, if any.
func (f *KeypointFinder) poseDecoded(frame video.Frame, pose *landmarks.Pose) Decoded {
	d := Decoded{Landmarks: AppendPoses(nil, pose), NoModelInput: true}
	if pose == nil {
		d.Notes = []string{NoteNoPose}
	}
	if f.opts.Attach {
		d.Attachment = &KeypointFrame{Frame: frame, Best: -1, Pose: pose}
	}
	return d
}

func (f *KeypointFinder) decodeHands(l *landmarker, frame video.Frame, spec *models.Spec,
	dst []float32) (Decoded, error) {
	hands, err := l.hands.Detect(l.rgba)
	if err != nil {
		return Decoded{}, fmt.Errorf("pipeline: %s: %w", frameName(frame), err)
	}
	return f.handsDecoded(frame, hands, spec, dst), nil
}

// handsDecoded returns the unit of frame with hands found in it and, when
// spec is set, writes the model input of the best hand into dst.
func (f *KeypointFinder) handsDecoded(frame video.Frame, hands []landmarks.Hand,
	spec *models.Spec, dst []float32) Decoded {
	d := Decoded{Landmarks: AppendHands(nil, hands, f.opts.Mirrored)}
	best := signdigits.BestHand(hands)
	if best == nil {
		d.Notes = []string{NoteNoHand}
	}
	d.NoModelInput = spec == nil || best == nil
	if !d.NoModelInput {
		signdigits.Input(dst, best, frame.Width, frame.Height)
	}
	if f.opts.Attach {
		attached := &KeypointFrame{Frame: frame, Hands: hands, Best: -1}
		for i := range hands {
			if &hands[i] == best {
				attached.Best = i
			}
		}
		d.Attachment = attached
	}
	return d
}

// frameName names a frame in errors: the image file of a folder, or the
// video or webcam with the frame's index.
func frameName(frame video.Frame) string {
	if frame.Path != "" && frame.Path != frame.Source {
		return frame.Path
	}
	return fmt.Sprintf("%s frame %d", frame.Source, frame.Index)
}

// trackerQueue is the number of frames a tracker holds before Next waits
// for it. A few let reading and converting the next frames overlap with
// tracking.
const trackerQueue = 4

// tracker runs one hand or pose landmarker in video mode over the frames
// of one source. Its goroutine takes the frames in the order Next read
// them, so each frame is tracked from the one before it, while decode
// workers wait only for their own frame's result.
type tracker struct {
	l      *landmarker
	frames chan trackedFrame
	done   chan struct{} // closed when the goroutine has exited
}

// trackedFrame is a frame queued for a tracker and the channel, with room
// for one result, that receives what was found in it.
type trackedFrame struct {
	frame  video.Frame
	result chan<- trackResult
}

type trackResult struct {
	hands []landmarks.Hand
	pose  *landmarks.Pose
	err   error
}

// track queues frame for the source's tracker, starting the tracker on
// the first frame, and returns the channel that receives its result.
func (s *keypointSource) track(frame video.Frame) (<-chan trackResult, error) {
	if s.tracker == nil {
		// The tracker takes one frame at a time, so each inference may
		// use every core.
		l, err := s.finder.newLandmarker(runtime.GOMAXPROCS(0))
		if err != nil {
			return nil, fmt.Errorf("pipeline: %s: %w", s.name, err)
		}
		s.tracker = &tracker{l: l, frames: make(chan trackedFrame, trackerQueue),
			done: make(chan struct{})}
		go s.tracker.run()
	}
	result := make(chan trackResult, 1)
	s.tracker.frames <- trackedFrame{frame: frame, result: result}
	return result, nil
}

// run tracks the queued frames until stop closes the queue.
func (t *tracker) run() {
	defer close(t.done)
	defer t.l.close()
	for queued := range t.frames {
		frame := queued.frame
		t.l.rgba = frame.RGBA(t.l.rgba)
		var r trackResult
		if t.l.pose != nil {
			r.pose, r.err = t.l.pose.DetectVideo(t.l.rgba, *frame.TimestampMs)
		} else {
			r.hands, r.err = t.l.hands.DetectVideo(t.l.rgba, *frame.TimestampMs)
		}
		if r.err != nil {
			r.err = fmt.Errorf("pipeline: %s: %w", frameName(frame), r.err)
		}
		queued.result <- r
	}
}

// stop closes the queue and waits until the frames in it are tracked.
func (t *tracker) stop() {
	close(t.frames)
	<-t.done
}

// decodeTracked waits for what the tracker finds in frame and returns its
// unit, as decode does for an image.
func (f *KeypointFinder) decodeTracked(frame video.Frame, result <-chan trackResult,
	spec *models.Spec, dst []float32) (Decoded, error) {
	if spec != nil {
		if err := checkKeypointModel(spec, f.opts.Kind); err != nil {
			return Decoded{}, fmt.Errorf("pipeline: %s: %w", frameName(frame), err)
		}
	}
	tracked := <-result
	if tracked.err != nil {
		return Decoded{}, tracked.err
	}
	if f.opts.Kind == KindPose {
		return f.poseDecoded(frame, tracked.pose), nil
	}
	return f.handsDecoded(frame, tracked.hands, spec, dst), nil
}
