// oracle.mjs MODEL.tflite... : runs each model in LiteRT.js 2.5.3 (TFLite's
// own kernels through XNNPACK, compiled to WebAssembly) on a fixed input and
// prints JSON that landmarks/tflite's tests compare against.
//
// Every input element i is ((i·37) mod 1009) / 1008, a value in [0, 1].
// Each output is recorded as its shape, its sum, its sum of absolute
// values and every stride-th element, so that no output stores more than
// about 1,000 values.
import {wasmDir} from './node-shim.mjs';
import {loadLiteRt, loadAndCompile, Tensor} from '@litertjs/core';
import path from 'path';

const models = process.argv.slice(2);
if (models.length === 0) {
  console.error('usage: node oracle.mjs MODEL.tflite...');
  process.exit(2);
}

// Silences the runtime's log lines, which it writes to stdout.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
await loadLiteRt(wasmDir + '/');

const results = {};
for (const file of models) {
  const model = await loadAndCompile(path.resolve(file), {accelerator: 'wasm'});
  const inputs = model.getInputDetails().map((detail) => {
    const size = detail.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = ((i * 37) % 1009) / 1008;
    return new Tensor(data, detail.shape);
  });
  const outputs = await model.run(inputs);
  results[path.basename(file)] = outputs.map((tensor, i) => {
    const values = tensor.toTypedArray();
    const stride = Math.max(1, Math.floor(values.length / 1000));
    const sample = [];
    for (let k = 0; k < values.length; k += stride) sample.push(values[k]);
    let sum = 0;
    let sumAbs = 0;
    for (const v of values) { sum += v; sumAbs += Math.abs(v); }
    return {shape: Array.from(model.getOutputDetails()[i].shape), sum, sumAbs,
      stride, sample};
  });
}
write(JSON.stringify(results) + '\n');
process.exit(0);
