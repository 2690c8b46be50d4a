#!/usr/bin/env bash
# Reproduces the LeNet-5 study on MNIST: learning rates, pooling, depth.
# Each variant is trained with `pipeline train`, reported with
# `pipeline report`, and summarised in OUT/summary.md.
#
# usage: tools/study.sh MNIST_DIR OUT [EPOCHS]
set -euo pipefail
data=${1:?usage: tools/study.sh MNIST_DIR OUT [EPOCHS]}
out=${2:?usage: tools/study.sh MNIST_DIR OUT [EPOCHS]}
epochs=${3:-20}
cd "$(dirname "$0")/.."
go build -o bin/pipeline ./cmd/pipeline
mkdir -p "$out"

# name | flags
variants=(
	"adam-lr0.001|--lr 0.001"
	"adam-lr0.01|--lr 0.01"
	"adam-lr0.05|--lr 0.05"
	"sgd-lr0.01-momentum0.9|--optimizer sgd --lr 0.01 --momentum 0.9"
	"maxpool|--lr 0.001 --pool max"
	"nopool|--lr 0.001 --pool none"
	"tanh|--lr 0.001 --act tanh"
	"extra-pool|--lr 0.001 --extra-pool"
	"one-hidden-fc|--lr 0.001 --fc 84"
	"wide-conv|--lr 0.001 --conv 16,32"
)

{
	echo "| variant | flags | params | test accuracy | test loss | note |"
	echo "|---|---|---|---|---|---|"
} >"$out/summary.md"

for v in "${variants[@]}"; do
	name=${v%%|*}
	flags=${v#*|}
	run="$out/$name"
	# shellcheck disable=SC2086
	bin/pipeline train --model lenet5 --data "$data" --epochs "$epochs" --batch 64 --seed 1 \
		$flags --out "$run" 2>"$run.log" || true
	bin/pipeline report "$run" >/dev/null
	params=$(grep -o 'params=[0-9]*' "$run.log" | head -1 | cut -d= -f2)
	result=$(bin/pipeline eval --weights "$run/weights.safetensors" --data "$data" --json)
	accuracy=$(echo "$result" | sed -E 's/.*"accuracy":([0-9.]+).*/\1/')
	loss=$(echo "$result" | sed -E 's/.*"avg_loss":([0-9.]+).*/\1/')
	note=$(echo "$result" | grep -o '"collapsed":"[^"]*"' | cut -d'"' -f4 || true)
	printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "$flags" "$params" "$accuracy" \
		"$loss" "$note" >>"$out/summary.md"
done
cat "$out/summary.md"
