#!/bin/bash
# extract.sh [DEST]: fetch MediaPipe's npm packages with `npm pack` and copy
# their TFLite models into DEST (default: this script's folder).
#
# The landmark models are plain files in each package. The palm and pose
# detectors are packed into *_packed_assets.data; the package's
# *_packed_assets_loader.js lists each packed file's byte range
# (loadPackage({"files": [{"filename", "start", "end"}, ...]})), and this
# script cuts the detectors out at those ranges. Needs npm and node.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest=$(cd "${1:-$here}" && pwd)
hands=@mediapipe/hands@0.4.1675469240
pose=@mediapipe/pose@0.5.1675469404

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "$hands" "$pose" >/dev/null
mkdir hands pose
tar xzf mediapipe-hands-*.tgz -C hands
tar xzf mediapipe-pose-*.tgz -C pose

# unpack LOADER DATA NAME...: copy each NAME.tflite out of DATA at the byte
# range that LOADER gives for it.
unpack() {
  local loader=$1 data=$2
  shift 2
  node - "$loader" "$data" "$dest" "$@" <<'JS'
const fs = require('fs');
const [loader, data, dest, ...names] = process.argv.slice(2);
const text = fs.readFileSync(loader, 'utf8');
const match = text.match(/loadPackage\((\{.*?\})\);/s);
if (!match) throw new Error(`${loader}: no loadPackage({...}) call found`);
const files = JSON.parse(match[1]).files;
const packed = fs.readFileSync(data);
for (const name of names) {
  const entry = files.find((f) => f.filename.endsWith('/' + name + '.tflite'));
  if (!entry) throw new Error(`${loader}: ${name}.tflite not listed`);
  fs.writeFileSync(`${dest}/${name}.tflite`, packed.subarray(entry.start, entry.end));
}
JS
}

unpack hands/package/hands_solution_packed_assets_loader.js \
  hands/package/hands_solution_packed_assets.data \
  palm_detection_full palm_detection_lite
unpack pose/package/pose_solution_packed_assets_loader.js \
  pose/package/pose_solution_packed_assets.data \
  pose_detection

for name in hand_landmark_full hand_landmark_lite; do
  cp "hands/package/$name.tflite" "$dest/"
done
for name in pose_landmark_lite pose_landmark_full pose_landmark_heavy; do
  cp "pose/package/$name.tflite" "$dest/"
done
chmod 644 "$dest"/*.tflite

cd "$dest"
sha256sum -- *.tflite
