#!/usr/bin/env bash
# results/scale/spark/scaling.sh: experiments/sweep-dense.yaml on a loopback Spark cluster of one worker,
# then of two (one core each), on this machine; writes scaling.json and the two sweep folders'
# per-point costs to overhead.md. Run it on an idle machine: it measures wall time.
#   results/scale/spark/scaling.sh            # about 5 minutes on 2 cores
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/results/scale/spark"
scratch="$(mktemp -d)"
trap 'bin/loopback-cluster stop --dir "$scratch/cluster" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
cd "$root"

walls=()
for workers in 1 2; do
  master="$(bin/loopback-cluster start --workers "$workers" --cores 1 --memory 3g --dir "$scratch/cluster")"
  start=$(date +%s.%N)
  ./runner experiments/sweep-dense.yaml sweep.executor=spark "sweep.spark.master=$master" \
    "sweep.spark.secret_file=$scratch/cluster/secret" tracking.type=none \
    "output.dir=$scratch/runs-$workers" > "$scratch/sweep-$workers.log" 2>&1
  end=$(date +%s.%N)
  walls+=("$(python3 -c "print(round($end - $start, 1))")")
  bin/loopback-cluster stop --dir "$scratch/cluster" >/dev/null
  cp "$scratch/runs-$workers/sweep-dense/latest/sweep.md" "$out/sweep-$workers-worker.md"
done

python3 - "$out" "$scratch" "${walls[@]}" <<'PY'
import json, pathlib, statistics, sys
out, scratch, walls = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), [float(w) for w in sys.argv[3:]]
json.dump({"workers": [1, 2], "wall_seconds": walls, "speedup": [1.0, round(walls[0] / walls[1], 2)]},
          open(out / "scaling.json", "w"), indent=2)
rows = ["| workers | point | executor | attempt | data found by | data check s | run s in executor | training s | other s |",
        "|---:|---:|---|---:|---|---:|---:|---:|---:|"]
for workers in (1, 2):
    sweep = scratch / f"runs-{workers}" / "sweep-dense" / "latest"
    for point in sorted(sweep.glob("point-*")):
        cost = json.load(open(point / "spark.json"))
        train = json.load(open(point / "metrics.json"))["train_seconds"]
        rows.append(f"| {workers} | {point.name[-2:]} | {cost['executor']} | {cost['attempt']} | {cost['data_found_by']} | "
                    f"{cost['data_check_seconds']:.2f} | {cost['run_seconds']:.1f} | {train:.1f} | "
                    f"{cost['run_seconds'] - train:.1f} |")
(out / "overhead.md").write_text("# Spark's cost per point\n\nMade by `results/scale/spark/scaling.sh`. *run s in executor*: "
    "from the task's start to its result, data loading, evaluation and outputs included; *training s*: the epochs "
    "alone (`train_seconds`); *other s*: the difference.\n\n" + "\n".join(rows) + "\n")
print(open(out / "scaling.json").read())
PY
