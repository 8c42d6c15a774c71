"""Turns bench/run's raw results into results/speed/benchmarks.md and the growth plots.

    python report.py RAW.jsonl OUT.md PLOT_DIR [COMMAND]

COMMAND is how bench/run was started (its settings), for the page's first line.
"""
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NAMES = {"fmnist": "fmnist", "torch": "PyTorch", "keras": "Keras (TensorFlow)"}
BUILDS = {"this": "the levers", "avx512": "the levers, AVX-512 build", "guard2g": "the levers, native memory guard at 2 GB"}


ISAS = {"native": "native", "avx2": "pinned to AVX2"}

# Multiply-adds per image of each layer with weights, as bench/frameworks.py and the specs build them:
# dense 784-32-10; compact CNN: 3x3 convolution 1 -> 32 on 28x28 (padded), 2x2 pooling, 3x3 convolution
# 32 -> 64 on 14x14, 2x2 pooling, dense 3136 -> 128 and 128 -> 10.
# Deep CNN: 3x3 convolutions 1 -> 32 -> 32 on 28x28, 32 -> 64 -> 64 on 14x14, 64 -> 128 -> 128 on 7x7,
# dense 1152 -> 256 and 256 -> 10. ResNet (width 16): the 3x3 stem 1 -> 16 on 28x28; a block of two 3x3
# convolutions 16 -> 16 on 28x28; 16 -> 32 and 32 -> 32 on 14x14 with a 1x1 projection 16 -> 32; 32 -> 64 and
# 64 -> 64 on 7x7 with a 1x1 projection 32 -> 64; dense 64 -> 10.
LAYER_MACS = {"dense": [784 * 32, 32 * 10],
              "cnn": [28 * 28 * 32 * 9 * 1, 14 * 14 * 64 * 9 * 32, 7 * 7 * 64 * 128, 128 * 10],
              "cnn-deep": [28 * 28 * 32 * 9 * 1, 28 * 28 * 32 * 9 * 32, 14 * 14 * 64 * 9 * 32, 14 * 14 * 64 * 9 * 64,
                           7 * 7 * 128 * 9 * 64, 7 * 7 * 128 * 9 * 128, 1152 * 256, 256 * 10],
              "resnet": [28 * 28 * 16 * 9 * 1, 28 * 28 * 16 * 9 * 16, 28 * 28 * 16 * 9 * 16,
                         14 * 14 * 32 * 9 * 16, 14 * 14 * 32 * 9 * 32, 14 * 14 * 32 * 16,
                         7 * 7 * 64 * 9 * 32, 7 * 7 * 64 * 9 * 64, 7 * 7 * 64 * 32, 64 * 10]}
MODELS = list(LAYER_MACS)


def flops_per_image(model):
    """(inference, training) FLOPs per image, 2 to a multiply-add: the forward pass; training adds each layer's
    weight gradient and each layer's input gradient but the first's (nothing needs the images' gradient).
    Biases, activations, pooling, the loss and the optimizer are left out, a few per cent of the work, so the
    limit below is a bound no framework can pass."""
    macs = LAYER_MACS[model]
    forward = 2 * sum(macs)
    return forward, forward + 2 * sum(macs) + 2 * sum(macs[1:])


def machine(record):
    """The header line: where the rows ran, as bench/run recorded it (machine.py), not where this runs."""
    m = record["result"]
    libraries = "; ".join(f"{ISAS[isa]}: " + ", ".join(f"{NAMES[fw]} {chosen or '?'}" for fw, chosen in by.items())
                          for isa, by in m["libraries"].items())
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; vector extensions: {' '.join(m['vector_extensions'])}; "
            f"{m['platform']}; {m['java']}; Python {m['python']}. Instruction sets the libraries chose ({libraries})")


def spread(values, fmt):
    """The median of the rounds and their range: `1.26 (1.24–1.31)`."""
    values = sorted(values)
    median = statistics.median(values)
    if len(values) == 1:
        return fmt.format(median)
    return f"{fmt.format(median)} ({fmt.format(values[0])}–{fmt.format(values[-1])})"


def levers(bench_dir):
    """One row per setting of each `bench/levers BASE` run: this tree against the build of BASE."""
    pages = sorted(f for f in os.listdir(bench_dir) if f.startswith("levers-") and f.endswith(".jsonl"))
    if not pages:
        return []
    lines = ["", "## Speed levers, each against the commit before it", "",
             "From `bench/levers BASE`, which runs the same settings from a build of BASE and from the tree of the "
             "time, one after the other; each BASE's page says which lever each row measures and lists the levers "
             "that were measured only by in-process probes. Ratios below 1 are faster.", "",
             "| levers since | setting | build | s/epoch | ÷ base | inference images/s | × base | peak RSS (MB) |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for page in pages:
        base = page[len("levers-"):-len(".jsonl")]
        by = {}
        for line in open(os.path.join(bench_dir, page)):
            if line.strip():
                r = json.loads(line)
                by.setdefault(r["setting"], {})[r["build"]] = r["result"]
        for setting, builds in by.items():
            b = builds["base"]
            for name, r in builds.items():
                if name == "base":
                    continue
                lines.append(f"| [{base}](benchmark-levers-{base}.md) | {setting} | {BUILDS[name]} | {r['median_epoch_seconds']:.2f} | "
                             f"{r['median_epoch_seconds'] / b['median_epoch_seconds']:.2f} | "
                             f"{r['inference_images_per_second']:,.0f} | "
                             f"{r['inference_images_per_second'] / b['inference_images_per_second']:.2f} | "
                             f"{b['peak_rss_mb']:,.0f} → {r['peak_rss_mb']:,.0f} |")
    return lines


def main(raw, out_md, plot_dir, command="bench/run"):
    rows = [json.loads(l) for l in open(raw) if l.strip()]
    where = next(r for r in rows if r["purpose"] == "machine")
    table = [r for r in rows if r["purpose"] == "table"]
    workloads = sorted({(r["result"]["model"], r["result"]["batch"], r["result"]["threads"]) for r in table},
                       key=lambda w: (MODELS.index(w[0]), w[1]))
    isas = [i for i in ISAS if any(r["isa"] == i for r in table)]
    rounds = sorted({r["round"] for r in table})

    def cells(framework, model, batch, isa):
        """By round, the result of one framework on one workload at one ISA."""
        return {r["round"]: r["result"] for r in table if r["isa"] == isa and r["result"]["framework"] == framework
                and r["result"]["model"] == model and r["result"]["batch"] == batch}

    epochs = max(len(r["result"]["epoch_seconds"]) for r in table)
    lines = ["# Benchmarks: fmnist against PyTorch and Keras", "",
             f"Generated by `{command}` in one run on " + machine(where) + ".", "",
             "Same data (the official files, pixels scaled to [0, 1]), same architectures and initialisation "
             "(dense: Glorot-uniform, zero biases; CNN: He-normal, Glorot-normal output), Adam 1e-3, same batch size, "
             "same thread budget (the one fmnist picks: 1 for the dense model, 2 for the CNN). Seconds per epoch are "
             f"training steps only, the median of epochs 2 to {epochs} (epoch 1 is the warm-up); inference is the "
             "10,000 test images, median of 3 passes; peak RSS is the process's high-water mark. "
             f"{len(rounds)} round{'s' if len(rounds) > 1 else ''}, each running the frameworks in turn, natively and then with every library pinned "
             "to AVX2 (`ONEDNN_MAX_CPU_ISA`, `DNNL_MAX_CPU_ISA`, `MKL_ENABLE_INSTRUCTIONS`, `ATEN_CPU_CAPABILITY`, "
             "`OPENBLAS_CORETYPE=Haswell`); each cell is the median of the rounds with their range.", "",
             "| model | batch | threads | framework | " + " | ".join(f"s/epoch, {ISAS[i]}" for i in isas) + " | "
             + " | ".join(f"inference images/s, {ISAS[i]}" for i in isas) + " | test accuracy | peak RSS (MB) |",
             "|---|---:|---:|---|" + "---:|" * (2 * len(isas) + 2)]
    for model, batch, threads in workloads:
        for fw in NAMES:
            by_isa = {i: cells(fw, model, batch, i) for i in isas}
            any_result = next(iter(by_isa[isas[0]].values()))
            images = "" if any_result["train_images"] == 60000 else f" ({any_result['train_images']:,} images)"
            lines.append(f"| {model}{images} | {batch} | {threads} | {NAMES[fw]} {any_result['version']} | "
                         + " | ".join(spread([r["median_epoch_seconds"] for r in by_isa[i].values()], "{:.2f}") for i in isas)
                         + " | " + " | ".join(spread([r["inference_images_per_second"] for r in by_isa[i].values()], "{:,.0f}")
                                              for i in isas)
                         + f" | {statistics.median(r['test_accuracy'] for r in by_isa[isas[0]].values()):.4f} | "
                         f"{max(r['peak_rss_mb'] for c in by_isa.values() for r in c.values()):,.0f} |")

    def ratios(model, batch, isa, measure, peer_choice):
        """fmnist against a peer, round by round: the rounds interleave, so each round's pair ran side by side."""
        mine = cells("fmnist", model, batch, isa)
        peers = {fw: cells(fw, model, batch, isa) for fw in ("torch", "keras")}
        peer = peer_choice(peers, measure)
        return peer, [mine[k][measure] / peers[peer][k][measure] for k in mine if k in peers[peer]]

    def fastest(peers, measure):
        return min(peers, key=lambda fw: statistics.median(r[measure] for r in peers[fw].values()))

    def quickest(peers, measure):
        return max(peers, key=lambda fw: statistics.median(r[measure] for r in peers[fw].values()))

    def pytorch(peers, measure):
        return "torch"

    # (label, model, batch, measure, which peer, target, whether lower is better): issue 37's targets, then issue 32's.
    targets = [("dense training, batch 32: time ÷ PyTorch's", "dense", 32, "median_epoch_seconds", pytorch, 1.0, True),
               ("compact CNN training, batch 64: time ÷ the fastest peer's", "cnn", 64, "median_epoch_seconds", fastest, 0.85, True),
               ("dense inference: images/s ÷ PyTorch's", "dense", 32, "inference_images_per_second", pytorch, 1.0, False),
               ("CNN inference: images/s ÷ the best peer's", "cnn", 64, "inference_images_per_second", quickest, 1.0, False),
               # Issue 32's: the models with batch norms and residual additions.
               ("deep CNN training, batch 64: time ÷ the fastest peer's", "cnn-deep", 64, "median_epoch_seconds", fastest, 1.2, True),
               ("deep CNN inference: images/s ÷ the best peer's", "cnn-deep", 64, "inference_images_per_second", quickest, 1.0, False),
               ("ResNet training, batch 64: time ÷ the fastest peer's", "resnet", 64, "median_epoch_seconds", fastest, 1.2, True),
               ("ResNet inference: images/s ÷ the best peer's", "resnet", 64, "inference_images_per_second", quickest, 1.0, False)]
    targets = [t for t in targets if any(w[0] == t[1] and w[1] == t[2] for w in workloads)]
    lines += ["", "A target is met only when every round's ratio is on its side: the whole range, not the median.", "",
              "| target | " + " | ".join(ISAS[i] for i in isas) + " |", "|---|" + "---|" * len(isas)]
    for label, model, batch, measure, choice, target, lower in targets:
        row = []
        for isa in isas:
            peer, r = ratios(model, batch, isa, measure, choice)
            met = max(r) <= target if lower else min(r) >= target
            row.append(f"{spread(r, '{:.2f}')} against {NAMES[peer]}: {'met' if met else 'not met'}")
        lines.append(f"| {label}, target {'≤' if lower else '≥'} {target:.2f} | " + " | ".join(row) + " |")
    lines += limit(rows, workloads, isas, cells)
    peak = max(r["result"]["peak_rss_mb"] for r in table if r["result"]["framework"] == "fmnist")
    lines += ["", f"fmnist's peak RSS: {peak:,.0f} MB (target under 2 GB: {'met' if peak < 2048 else 'not met'})."]
    lines += ["", "Test accuracy is after " + str(epochs) + " epochs at a constant rate, "
              "to show the three trained the same thing, not to rank them."]
    tried = {"tuning-g1": "with the JVM's default collector, G1 (`-XX:-UseParallelGC -XX:+UseG1GC`)",
             "tuning-guarded": "with the guard the CNNs keep (`-Dorg.bytedeco.javacpp.maxPhysicalBytes=3G`)",
             "tuning-nopointergc": "+ `-Dorg.bytedeco.javacpp.noPointerGC=true`",
             "tuning-nogc": "+ `noPointerGC=true`, `-Dorg.nd4j.noarraygc=true`",
             "tuning-2threads": "the runner's choice, but 2 threads (`training.threads=2`)"}
    if any(r["purpose"] in tried for r in rows):
        lines += tuning(rows, tried, cells)
    lines += memory(rows)
    lines += levers(os.path.dirname(raw))
    if any(r["purpose"] in ("size", "batch") for r in rows):
        lines += growth(rows, plot_dir)
    open(out_md, "w").write("\n".join(lines))


def limit(rows, workloads, isas, cells):
    """Each workload's arithmetic at the machine's measured sgemm peak, and each framework's share of that limit."""
    peaks = {(r["isa"], str(r["result"]["threads"])): r["result"]["gflops"] for r in rows if r["purpose"] == "peak"}
    if not peaks:
        return []
    lines = ["", "## The limit: the arithmetic at the machine's sgemm peak", "",
             "Each workload's multiply-adds (`flops_per_image` in `bench/report.py`: the layers' products, forward and "
             "backward, 2 FLOPs each; biases, activations, pooling and the optimizer left out) at the best rate oneDNN's "
             "sgemm reaches on the same threads (`bench/probes/SgemmPeak.java`, 2048 × 2048, best of 20) is the time no "
             "framework can beat. A framework's share is that time ÷ its own (training) or its images/s ÷ the limit's "
             "(inference), from the medians above.", "",
             "| workload | GFLOP an epoch | GFLOP a 10,000-image pass | " + " | ".join(f"sgemm GFLOP/s, {ISAS[i]}" for i in isas)
             + " | " + " | ".join(f"limit s/epoch, {ISAS[i]}" for i in isas) + " | "
             + " | ".join(f"limit images/s, {ISAS[i]}" for i in isas) + " |",
             "|---|---:|---:|" + "---:|" * (3 * len(isas))]
    shares = []
    for model, batch, threads in workloads:
        infer, train = flops_per_image(model)
        images = next(iter(cells("fmnist", model, batch, isas[0]).values()))["train_images"]
        rate = {i: peaks.get((i, str(threads))) for i in isas}
        if any(v is None for v in rate.values()):
            continue
        limit_seconds = {i: train * images / (rate[i] * 1e9) for i in isas}
        limit_images = {i: rate[i] * 1e9 / infer for i in isas}
        lines.append(f"| {model}, batch {batch}, {threads} thread{'s' if threads > 1 else ''} | {train * images / 1e9:,.1f} | "
                     f"{infer * 10_000 / 1e9:,.2f} | " + " | ".join(f"{rate[i]:,.1f}" for i in isas) + " | "
                     + " | ".join(f"{limit_seconds[i]:.2f}" for i in isas) + " | "
                     + " | ".join(f"{limit_images[i]:,.0f}" for i in isas) + " |")
        for fw in NAMES:
            row = []
            for i in isas:
                results = list(cells(fw, model, batch, i).values())
                seconds = statistics.median(r["median_epoch_seconds"] for r in results)
                per_second = statistics.median(r["inference_images_per_second"] for r in results)
                row.append((limit_seconds[i] / seconds, per_second / limit_images[i]))
            shares.append(f"| {model}, batch {batch} | {NAMES[fw]} | " + " | ".join(f"{t:.0%}" for t, _ in row) + " | "
                          + " | ".join(f"{p:.0%}" for _, p in row) + " |")
    lines += ["", "| workload | framework | " + " | ".join(f"share of the limit, training, {ISAS[i]}" for i in isas) + " | "
              + " | ".join(f"share of the limit, inference, {ISAS[i]}" for i in isas) + " |",
              "|---|---|" + "---:|" * (2 * len(isas))] + shares
    return lines


def tuning(rows, tried, cells):
    """What was tried for the dense model's per-step overhead, against the table's own rows."""
    lines = ["", "## What was tried for the dense model", "",
              "The dense model at batch 32 is bound by per-step overhead (1,875 steps an epoch). The same measurement "
              "with JavaCPP and ND4J settings changed through `FMNIST_JAVA_OPTS`:", "",
              "| fmnist, dense, batch 32 | s/epoch | time ÷ PyTorch's | peak RSS (MB) | test accuracy |",
              "|---|---:|---:|---:|---:|"]
    # The runner's choice is the table's own native row (the median of its rounds); the settings ran once each.
    torch_seconds = statistics.median(r["median_epoch_seconds"] for r in cells("torch", "dense", 32, "native").values())
    chosen = list(cells("fmnist", "dense", 32, "native").values())
    runner_choice = {"median_epoch_seconds": statistics.median(r["median_epoch_seconds"] for r in chosen),
                     "peak_rss_mb": max(r["peak_rss_mb"] for r in chosen), "test_accuracy": chosen[0]["test_accuracy"]}
    measured = [("the runner's choice: 1 thread, parallel collector, no native memory guard (the table's row)", runner_choice)]
    measured += [(tried[r["purpose"]], r["result"]) for r in rows if r["purpose"] in tried]
    for label, x in measured:
        lines.append(f"| {label} | {x['median_epoch_seconds']:.2f} | {x['median_epoch_seconds'] / torch_seconds:.2f} | "
                     f"{x['peak_rss_mb']:,.0f} | {x['test_accuracy']:.4f} |")
    return lines


def memory(rows):
    """Peak RSS of whole baseline runs by their length: whether a setting keeps memory flat."""
    lines = []
    growth = {}
    for r in rows:
        if r["purpose"].startswith("memory-"):
            growth.setdefault(r["purpose"], {})[r["result"]["epochs"]] = r["result"]["peak_rss_mb"]
    if growth:
        epochs = sorted({n for g in growth.values() for n in g})
        names = {"memory-runner": "the runner's choice", "memory-g1": "with G1",
                 "memory-nopointergc": "+ `noPointerGC=true`"}
        lines += ["", "A setting is only usable if memory stays flat as a run goes on. Peak RSS (MB) of a whole "
                  "`./runner experiments/baseline.yaml` run (checkpoints, reports and all) by the number of epochs:", "",
                  "| fmnist, dense, batch 32 | " + " | ".join(f"{n} epochs" for n in epochs) + " |",
                  "|---|" + "---:|" * len(epochs)]
        for purpose, g in growth.items():
            lines.append(f"| {names[purpose]} | " + " | ".join(f"{g[n]:,.0f}" if n in g else "" for n in epochs) + " |")
    return lines


def growth(rows, plot_dir):
    """Epoch time by training-set size and batch size, fmnist and PyTorch, with the plots."""
    folder = os.path.basename(os.path.normpath(plot_dir))   # the page's own folder (BENCH_PAGE)
    lines = ["", "## Growth", "",
              "Seconds of the second of two epochs, fmnist and PyTorch: one epoch each, so expect ±20% noise per point.", "",
              f"![epoch time by training-set size]({folder}/growth-size.png)", "",
              f"![epoch time by batch size]({folder}/growth-batch.png)", ""]
    for purpose, key, label, name in (("size", "train_images", "training images", "growth-size.png"),
                                      ("batch", "batch", "batch size (15,000 training images)", "growth-batch.png")):
        results = [r["result"] for r in rows if r["purpose"] == purpose]
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, model in zip(axes, ("dense", "cnn")):
            for fw, style in (("fmnist", "o-"), ("torch", "s--")):
                pts = sorted((r[key], r["epoch_seconds"][-1]) for r in results if r["model"] == model and r["framework"] == fw)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=NAMES[fw])
            ax.set_title(f"{model}: seconds per epoch")
            ax.set_xlabel(label)
            ax.set_ylabel("seconds")
            if purpose == "batch":
                ax.set_xscale("log", base=2)
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(plot_dir, name), dpi=110)
        sub = ["| " + label + " | model | " + " | ".join(NAMES[f] for f in ("fmnist", "torch")) + " | ratio |",
               "|---:|---|---:|---:|---:|"]
        for model in ("dense", "cnn"):
            for x in sorted({r[key] for r in results if r["model"] == model}):
                s = {r["framework"]: r["epoch_seconds"][-1] for r in results if r["model"] == model and r[key] == x}
                if "fmnist" in s and "torch" in s:
                    sub.append(f"| {x:,} | {model} | {s['fmnist']:.2f} | {s['torch']:.2f} | {s['fmnist'] / s['torch']:.2f} |")
        lines += sub + [""]
    return lines


if __name__ == "__main__":
    main(*sys.argv[1:5])
