#!/usr/bin/env bash
# Trains the baseline spec once per seed and prints a Markdown table of the test results.
# Usage (from the repository root): results/baseline/seed-study.sh [SEED ...]   default: 1..10 42
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seeds=("$@")
((${#seeds[@]})) || seeds=(1 2 3 4 5 6 7 8 9 10 42)
out=$(mktemp -d)
for seed in "${seeds[@]}"; do
  ./runner experiments/baseline.yaml "seed=$seed" "output.dir=$out" output.save_model=false >/dev/null
done
python3 - "$out" <<'PY'
import json, pathlib, statistics, sys
rows = []
for m in sorted(pathlib.Path(sys.argv[1]).glob("baseline/*/metrics.json")):
    metrics = json.loads(m.read_text())
    spec = (m.parent / "spec.yaml").read_text()
    seed = next(l.split(":")[1].strip() for l in spec.splitlines() if l.startswith("seed:"))
    t = metrics["test"]
    rows.append((int(seed), t["accuracy"], t["macro"]["f1"], t["per_class"]["shirt"]["f1"], t["per_class"]["pullover"]["f1"],
                 metrics["train_seconds"] / len(metrics["epochs"])))
rows.sort()
print("| seed | test accuracy | macro F1 | Shirt F1 | Pullover F1 | s/epoch |")
print("|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %d | %.4f | %.4f | %.4f | %.4f | %.1f |" % r)
acc = [r[1] for r in rows]
print("\nfmnist: mean test accuracy %.4f, standard deviation %.4f, over %d seeds; %d of them below 0.865"
      % (statistics.mean(acc), statistics.stdev(acc) if len(acc) > 1 else 0, len(acc), sum(a < 0.865 for a in acc)))
PY
