#!/usr/bin/env bash
# Usage: tools/oracle/mediapipe_static.sh hands|pose ROOT FILE... > out.json
#
# MediaPipe's own result for each image on its own. The reference tool
# (../shared/tools/mediapipe-reference) passes all images of one call to
# one @mediapipe/hands or @mediapipe/pose solution, and those JavaScript
# solutions have no static image mode: they track the hand or body region
# from one image into the next. This script calls the tool once per image,
# so every image starts from a fresh solution, as MediaPipe's static image
# mode does. FILE paths are relative to ROOT and are written that way into
# the "file" fields. One image takes about 2–15 s (Chromium starts each
# time).
#
# The tool's OPTIONS variable passes solution options through. The
# solutions run their models on the GPU (software WebGL here) unless
# OPTIONS='{"useCpuInference":true}' selects float32 inference on the CPU,
# which is what this repository's interpreter computes.
set -euo pipefail
kind=$1
root=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
tool=${MEDIAPIPE_REFERENCE:-$here/../../../shared/tools/mediapipe-reference/run}

echo "["
first=1
for f in "$@"; do
	out=$(cd "$root" && "$tool" "$kind" "$f")
	# The tool prints a one-element array; keep the element.
	elem=${out#[}
	elem=${elem%]}
	if ((first)); then first=0; else echo ","; fi
	printf '%s' "$elem"
	echo "mediapipe_static: $f" >&2
done
echo
echo "]"
