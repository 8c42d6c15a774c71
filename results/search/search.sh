#!/usr/bin/env bash
# results/search/search.sh: the 36 points of experiments/search-cnn.yaml searched by the full grid (9 epochs a
# point) and by successive halving (rungs 1, 3, 9; η 3), on this machine (one point at a time on both cores),
# then on a loopback Spark cluster of two one-core workers (one point a worker, one thread each). Writes
# search.json and each search's sweep.md here. Run it on an idle machine: it measures wall time.
#   results/search/search.sh            # both places, about 25 minutes on 2 cores
#   results/search/search.sh local      # this machine only (about 12 minutes); cluster: the cluster only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/results/search"
scratch="$(mktemp -d)"
trap 'bin/loopback-cluster stop --dir "$scratch/cluster" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
cd "$root"

# name, then the runner arguments beyond the spec
search() {
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  ./runner experiments/search-cnn.yaml tracking.type=none "output.dir=$scratch/$name" "$@" > "$scratch/$name.log" 2>&1
  end=$(date +%s.%N)
  echo "$name $(python3 -c "print(round($end - $start, 1))")" >> "$scratch/walls.txt"
  cp "$scratch/$name/search-cnn/latest/sweep.md" "$out/$name.md"
}

where=${1:-both}
if [[ $where != cluster ]]; then
  search grid-local
  search asha-local sweep.search=asha
fi
if [[ $where != local ]]; then
  master="$(bin/loopback-cluster start --workers 2 --cores 1 --memory 3g --dir "$scratch/cluster")"
  cluster=(sweep.executor=spark "sweep.spark.master=$master" "sweep.spark.secret_file=$scratch/cluster/secret" training.threads=1)
  search grid-cluster "${cluster[@]}"
  search asha-cluster "${cluster[@]}" sweep.search=asha
fi

python3 - "$out" "$scratch" <<'PY'
import json, pathlib, sys
out, scratch = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
walls = dict(line.split() for line in open(scratch / "walls.txt"))
# Searches measured by an earlier call (the other place) are kept.
results = json.load(open(out / "search.json")) if (out / "search.json").exists() else {}
for name, wall in walls.items():
    sweep = scratch / name / "search-cnn" / "latest"
    points = json.load(open(sweep / "sweep.json"))["points"]
    finished = [p for p in points if p["failure"] is None and "stopped_after_epoch" not in p]
    best = max(finished, key=lambda p: p["metrics"]["val_accuracy"])
    epochs = sum(p.get("stopped_after_epoch", 9) for p in points if p["failure"] is None)
    results[name] = {"points": len(points), "failed": sum(p["failure"] is not None for p in points),
                     "trained_to_the_end": len(finished), "epochs": epochs, "wall_seconds": float(wall),
                     "best_val_accuracy": best["metrics"]["val_accuracy"], "best_point": best["values"],
                     "best_test_accuracy": best["metrics"]["test_accuracy"]}
    if name.startswith("grid"):
        # Every point in grid order, with its validation accuracy after each epoch (what a rung compares) and its
        # final one (the kept epoch's): replay.py replays successive halving's decisions on them.
        results[name]["grid_points"] = [
            {"values": p["values"], "val_accuracy": p["metrics"]["val_accuracy"],
             "val_accuracy_by_epoch": [e["eval_accuracy"] for e in json.load(open(sweep / p["folder"] / "metrics.json"))["epochs"]]}
            for p in sorted(points, key=lambda p: p["point"])]
json.dump(results, open(out / "search.json", "w"), indent=2)
print(json.dumps(results, indent=2))
PY
