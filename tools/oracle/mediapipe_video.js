// Usage: node tools/oracle/mediapipe_video.js hands|pose INTERVAL_MS ROOT FILE... > out.json
//
// MediaPipe's own result for a sequence of frames in video mode, with
// known timestamps: frame i is sent to one @mediapipe/hands or
// @mediapipe/pose solution at i·INTERVAL_MS milliseconds. The mediapipe
// reference tool sends its images at the browser's clock instead, which
// changes what the pose solution's landmark filters do from one frame to
// the next. Output: one JSON array in the reference tool's format. FILE
// paths are relative to ROOT and are written that way into "file".
//
// OPTIONS (JSON) sets solution options, as for the reference tool. The
// defaults are the tool's: full models, not mirrored, detection and
// tracking confidence 0.5, at most 2 hands, pose smoothing off. Add
// "useCpuInference": true for float32 inference on the CPU.
//
// Needs Debian's chromium and the packages that the reference tool
// installs into $MPREF_HOME (default: the temporary folder's
// mediapipe-reference); run the tool once first. Files are served on
// 127.0.0.1 only.
const path = require('path');
const { home, launchChromium } = require('./browser.js');
const fs = require('fs');
const http = require('http');

const [kind, interval, root, ...files] = process.argv.slice(2);
if (!['hands', 'pose'].includes(kind) || !(Number(interval) > 0) || files.length === 0) {
  console.error('usage: node mediapipe_video.js hands|pose INTERVAL_MS ROOT FILE...');
  process.exit(2);
}
for (const file of files) {
  if (!fs.existsSync(path.join(root, file))) {
    console.error(`mediapipe_video: ${path.join(root, file)} not found`);
    process.exit(1);
  }
}
const options = JSON.parse(process.env.OPTIONS || '{}');
const modules = path.join(home, 'node_modules', '@mediapipe');

const page = `<!doctype html><body><script src="/${kind}/${kind}.js"></script></body>`;

function resolve(url) {
  const image = url.match(/^\/img\/(\d+)$/);
  if (image) return files[Number(image[1])] && path.join(root, files[Number(image[1])]);
  const asset = url.match(/^\/(hands|pose)\/([\w.\-]+)$/);
  return asset ? path.join(modules, asset[1], asset[2]) : null;
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  if (url === '/') {
    res.writeHead(200, {'Content-Type': 'text/html'});
    res.end(page);
    return;
  }
  const file = resolve(url);
  fs.readFile(file || '', (err, body) => {
    if (err) { res.writeHead(404); res.end(); return; }
    const type = file.endsWith('.js') ? 'text/javascript'
      : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    res.writeHead(200, {'Content-Type': type});
    res.end(body);
  });
});

// runSequence runs in the page: it sends every image to one solution at
// its timestamp and returns plain data.
async function runSequence([kind, count, interval, options]) {
  const isHands = kind === 'hands';
  const solution = isHands
    ? new Hands({locateFile: (f) => '/hands/' + f})
    : new Pose({locateFile: (f) => '/pose/' + f});
  const defaults = isHands
    ? {maxNumHands: 2, modelComplexity: 1, minDetectionConfidence: 0.5,
       minTrackingConfidence: 0.5, selfieMode: false}
    : {modelComplexity: 1, smoothLandmarks: false, enableSegmentation: false,
       minDetectionConfidence: 0.5, minTrackingConfidence: 0.5, selfieMode: false};
  solution.setOptions(Object.assign(defaults, options));
  let latest = null;
  solution.onResults((r) => { latest = r; });
  await solution.initialize();

  const xyz = (p) => [p.x, p.y, p.z];
  const xyzv = (p) => [p.x, p.y, p.z, p.visibility];
  const results = [];
  for (let i = 0; i < count; i++) {
    const img = new Image();
    img.src = `/img/${i}`;
    await img.decode();
    latest = null;
    await solution.send({image: img}, i * interval);

    const r = latest || {};
    const base = {w: img.naturalWidth, h: img.naturalHeight, timestamp_ms: i * interval};
    if (isHands) {
      results.push(Object.assign(base, {
        landmarks: (r.multiHandLandmarks || []).map((h) => h.map(xyz)),
        world: (r.multiHandWorldLandmarks || []).map((h) => h.map(xyz)),
        handedness: (r.multiHandedness || []).map(
          (h) => ({label: h.label, score: h.score, index: h.index})),
      }));
    } else {
      results.push(Object.assign(base, {
        landmarks: r.poseLandmarks ? r.poseLandmarks.map(xyzv) : null,
        world: r.poseWorldLandmarks ? r.poseWorldLandmarks.map(xyzv) : null,
      }));
    }
  }
  solution.close();
  return results;
}

server.listen(0, '127.0.0.1', async () => {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    const results = await tab.evaluate(runSequence,
      [kind, files.length, Number(interval), options]);
    results.forEach((r, i) => { r.file = files[i]; });
    process.stdout.write(JSON.stringify(results) + '\n');
  } finally {
    await browser.close();
    server.close();
  }
});
