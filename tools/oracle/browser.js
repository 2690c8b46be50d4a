// Shared by the oracle scripts that drive headless Chromium: where the
// reference tool installed its packages, and how to start the browser.
const path = require('path');

// home is the folder where the mediapipe reference tool installs its npm
// packages ($MPREF_HOME, by default the temporary folder's
// mediapipe-reference).
const home = process.env.MPREF_HOME ||
  path.join(require('os').tmpdir(), 'mediapipe-reference');

// launchChromium starts Debian's chromium ($CHROMIUM overrides the path)
// headless, with software WebGL (SwiftShader), as the reference tool does.
function launchChromium() {
  const { chromium } = require(path.join(home, 'node_modules', 'playwright-core'));
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-gl=angle',
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update'],
  });
}

module.exports = { home, launchChromium };
