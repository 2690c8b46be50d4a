// Lets LiteRT.js, written for browsers and workers, load its WebAssembly
// runtime in Node.js: `self` and importScripts as in a worker, CommonJS
// globals for the emscripten loader, and fetch of local files.
import {createRequire} from 'module';
import fs from 'fs';
import path from 'path';
import vm from 'vm';

const require = createRequire(import.meta.url);
export const wasmDir = path.join(
  path.dirname(require.resolve('@litertjs/core/package.json')), 'wasm');

globalThis.require = require;
globalThis.__dirname = wasmDir;
globalThis.__filename = path.join(wasmDir, 'loader.js');
globalThis.self = globalThis;
globalThis.importScripts = (url) => {
  const file = String(url).replace('file://', '');
  vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
};

const networkFetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const name = String(url);
  if (!name.startsWith('/') && !name.startsWith('file://')) {
    return networkFetch(url, options);
  }
  const file = name.replace('file://', '');
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  return new Response(fs.readFileSync(file), {headers: {'Content-Type': type}});
};
