// Usage: node tools/oracle/chromium_pixels.js ROOT FILE... > pixels.json
//
// Decodes each image in headless Chromium, the browser that the MediaPipe
// reference tool runs MediaPipe's web solutions in, and prints
// [{file, w, h, sha256}] with the SHA-256 of its pixels as packed RGB.
// With PNG_DIR set, each image's pixels are also written there as
// PNG_DIR/FILE.png. The pixels are read back from a
// 2-D canvas, so they are what the browser shows: sRGB, with any ICC
// profile applied. FILE paths are relative to ROOT and are written that way.
//
// Needs Debian's chromium and the playwright-core package that the
// reference tool installs into $MPREF_HOME (default: the temporary folder's
// mediapipe-reference); run the tool once first. Images are served on
// 127.0.0.1 only.
const path = require('path');
const { launchChromium } = require('./browser.js');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

const [root, ...files] = process.argv.slice(2);
if (!root || files.length === 0) {
  console.error('usage: node chromium_pixels.js ROOT FILE...');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, {'Content-Type': 'text/html'});
    res.end('<!doctype html><body></body>');
    return;
  }
  const m = req.url.match(/^\/img\/(\d+)$/);
  const file = m && files[Number(m[1])];
  fs.readFile(file ? path.join(root, file) : '', (err, body) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, {'Content-Type': 'application/octet-stream'});
    res.end(body);
  });
});

// pixels runs in the page: it decodes url and returns its size, its RGBA
// pixels in base64 and the canvas as a PNG data URL.
async function pixels(url) {
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let text = '';
  for (let i = 0; i < data.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
  }
  return [canvas.width, canvas.height, btoa(text), canvas.toDataURL('image/png')];
}

server.listen(0, '127.0.0.1', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const out = [];
    for (let i = 0; i < files.length; i++) {
      const [w, h, rgba64, png] = await page.evaluate(pixels, `/img/${i}`);
      const rgba = Buffer.from(rgba64, 'base64');
      const rgb = Buffer.alloc(w * h * 3);
      for (let p = 0; p < w * h; p++) {
        rgba.copy(rgb, 3 * p, 4 * p, 4 * p + 3);
      }
      const sha256 = crypto.createHash('sha256').update(rgb).digest('hex');
      out.push({file: files[i], w, h, sha256});
      if (process.env.PNG_DIR) {
        const name = path.join(process.env.PNG_DIR, files[i] + '.png');
        fs.mkdirSync(path.dirname(name), {recursive: true});
        fs.writeFileSync(name, Buffer.from(png.split(',')[1], 'base64'));
      }
    }
    process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  } finally {
    await browser.close();
    server.close();
  }
});
