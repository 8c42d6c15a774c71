#!/usr/bin/env bash
# Trains the reference network in Keras itself (the original notebook's framework: Dense(32, relu),
# Dense(10, softmax), Keras's default initialisers, Adam 1e-3, batch 32, 10 epochs, 1 thread) once per
# seed and prints a Markdown table of the test accuracies, to set fmnist's seed study beside.
# Needs bench/.venv (bench/run creates it).
# Usage (from the repository root): results/baseline/keras-seed-study.sh [SEED ...]   default: 1..10 42
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seeds=("$@")
((${#seeds[@]})) || seeds=(1 2 3 4 5 6 7 8 9 10 42)
python=bench/.venv/bin/python
[[ -x $python ]] || { echo "bench/.venv is missing: run bench/run once (it installs Keras)" >&2; exit 2; }
for seed in "${seeds[@]}"; do
  OMP_NUM_THREADS=1 "$python" bench/frameworks.py --framework keras --model dense --batch 32 --threads 1 \
    --epochs 10 --seed "$seed" | tail -1
done | python3 -c '
import json, statistics, sys
rows = [json.loads(line) for line in sys.stdin]
print("| seed | test accuracy |")
print("|---:|---:|")
seeds = sys.argv[1:]
for seed, r in zip(seeds, rows):
    print("| %s | %.4f |" % (seed, r["test_accuracy"]))
acc = [r["test_accuracy"] for r in rows]
print("\nKeras (TensorFlow %s): mean test accuracy %.4f, standard deviation %.4f, over %d seeds; %d of them below 0.865"
      % (rows[0]["version"], statistics.mean(acc), statistics.stdev(acc) if len(acc) > 1 else 0, len(acc),
         sum(a < 0.865 for a in acc)))
' "${seeds[@]}"
