"""Greedy forward selection of ensemble members on validation (rule 2 of results/accuracy/cnn-deep-long-fused/README.md).

Run from the repository root: python3 results/accuracy/cnn-deep-long-fused/greedy.py NAME=RUN_FOLDER ...
Each step scores with `./runner score ... --tta flip,shift` (and --ensemble for two or more runs);
ties go to the lower validation loss; it stops when no member raises validation accuracy."""
import subprocess, sys
pool = dict(arg.split("=", 1) for arg in sys.argv[1:])
def score(names):
    cmd = ["./runner", "score", *[pool[n] for n in names], "--tta", "flip,shift"] + (["--ensemble"] if len(names) > 1 else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    print("$ " + " ".join(cmd), flush=True)
    print(out, flush=True)
    rows = [l for l in out.splitlines() if l.startswith("| ensemble of" if len(names) > 1 else f"| {pool[names[0]]}") and "[flip, shift]" in l]
    cells = [c.strip() for c in rows[-1].strip("|").split("|")]
    return float(cells[3]), float(cells[4])
singles = {n: score([n]) for n in pool}
chosen = [max(singles, key=lambda n: (singles[n][0], -singles[n][1]))]
best = singles[chosen[0]]
print(f"STEP start {chosen} {best}", flush=True)
while len(chosen) < len(pool):
    tries = {n: score(chosen + [n]) for n in pool if n not in chosen}
    n = max(tries, key=lambda k: (tries[k][0], -tries[k][1]))
    print(f"STEP tries {tries}", flush=True)
    if tries[n][0] <= best[0]:
        break
    chosen.append(n); best = tries[n]
    print(f"STEP chose {chosen} {best}", flush=True)
print(f"RESULT {chosen} {best}", flush=True)
