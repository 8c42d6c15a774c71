#!/usr/bin/env python3
"""Replays successive halving's decisions on the grid's own validation curves (search.json's grid_points,
written by search.sh) for many orders of starting the trials: the measured search is one draw of that
order, and this says how typical its epochs were.

A trial resumed from its checkpoint trains exactly as an uninterrupted one, so a point's accuracy at a
rung is the grid's curve at that epoch, a finished trial's is the grid's own result, and with one slot
(search.sh's local search) the replay is the search itself; the replay of the measured order is checked
against asha-local.md. The rule is SuccessiveHalving's (fmnist-runner), restated for the replay only:
whenever the slot is free, promote a trial in the top 1/eta of those that reached its rung so far (the
highest rung first, ties to the trial started first), else start the next trial. MeasuredSearchReplayTest
replays the measured local search through the Java rule, so a change there fails the test command.

    python3 results/search/replay.py            # grid-local's curves, 1,000 shuffled orders
"""
import json
import pathlib
import random
import re
import statistics
import sys

RUNGS, ETA = (1, 3, 9), 3
HERE = pathlib.Path(__file__).parent


def replay(points, order):
    """Epochs spent, trials that reached each rung, and the best validation accuracy among those trained to the end."""
    reached = [dict() for _ in RUNGS]
    promoted = [set() for _ in RUNGS]
    started, epochs, best, finished = 0, 0, 0.0, 0
    while True:
        step = None
        for rung in range(len(RUNGS) - 2, -1, -1):
            ranked = sorted(reached[rung], key=lambda t: (-reached[rung][t], t))
            for t in ranked[:len(ranked) // ETA]:
                if t not in promoted[rung]:
                    promoted[rung].add(t)
                    step = (t, rung + 1)
                    break
            if step:
                break
        if step is None and started < len(order):
            started += 1
            step = (started, 0)
        if step is None:
            return epochs, [len(r) for r in reached[:-1]] + [finished], best
        trial, rung = step
        point = points[order[trial - 1]]
        epochs += RUNGS[rung] - (RUNGS[rung - 1] if rung else 0)
        if rung < len(RUNGS) - 1:
            reached[rung][trial] = point["val_accuracy_by_epoch"][RUNGS[rung] - 1]
        else:
            finished += 1
            best = max(best, point["val_accuracy"])


def measured_order(points, table):
    """The order a measured search started its trials in, from its table's point numbers and values."""
    index = {tuple(p["values"].values()): i for i, p in enumerate(points)}
    started = {}
    for line in open(HERE / table):
        if re.match(r"^\| \d", line):
            cells = [c.strip() for c in line.split("|")[1:-1]]
            started[int(cells[1])] = index[tuple(cells[2:2 + len(points[0]["values"])])]
    return [started[n] for n in sorted(started)]


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "grid-local"
    points = json.load(open(HERE / "search.json"))[name]["grid_points"]
    grid_epochs, grid_best = len(points) * RUNGS[-1], max(p["val_accuracy"] for p in points)
    print(f"grid: {grid_epochs} epochs, best validation accuracy {grid_best:.4f}")
    orders = {"grid order": list(range(len(points)))}
    if name == "grid-local":
        orders["the measured search's order (asha-local.md)"] = measured_order(points, "asha-local.md")
    for label, order in orders.items():
        epochs, reached, best = replay(points, order)
        print(f"asha, {label}: {epochs} epochs ({epochs / grid_epochs:.0%}), trials at epochs {RUNGS}: {reached}, "
              f"best {best:.4f}")
    rng = random.Random(0)
    runs = []
    for _ in range(1000):
        order = list(range(len(points)))
        rng.shuffle(order)
        runs.append(replay(points, order))
    fractions = sorted(e / grid_epochs for e, _, _ in runs)
    within = sum(grid_best - b <= 0.002 for _, _, b in runs) / len(runs)
    both = sum(e * 3 <= grid_epochs and grid_best - b <= 0.002 for e, _, b in runs) / len(runs)
    print(f"asha, 1,000 shuffled orders: epochs {fractions[0]:.0%} to {fractions[-1]:.0%} of the grid's, "
          f"median {statistics.median(fractions):.0%}; the grid's best within 0.002 in {within:.0%}; "
          f"both (at most a third of the epochs and within 0.002) in {both:.0%}")


if __name__ == "__main__":
    main()
