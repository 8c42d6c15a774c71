# The seed table of README.md from the runs' metrics.json: one row per seed, then the mean and the
# sample standard deviation.  usage: python3 seed_table.py SEED=RUN_FOLDER ...
import json, statistics, sys
rows = []
for arg in sys.argv[1:]:
    seed, folder = arg.split('=', 1)
    m = json.load(open(folder + '/metrics.json'))
    s = m['summary']
    rows.append((seed, m['best_epoch'], s['val_accuracy'], s['val_tta_accuracy'], s['test_accuracy'], s['test_plain_accuracy'],
                 s['test_f1_shirt'], s['seconds_per_epoch'], s['train_seconds'] / 60))
print('| seed | best epoch | validation | validation, mirrored too | test, mirrored too | test | Shirt F1 | s/epoch | training |')
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for r in rows:
    print(f'| {r[0]} | {r[1]} | {r[2]:.4f} | {r[3]:.4f} | {r[4]:.4f} | {r[5]:.4f} | {r[6]:.4f} | {r[7]:.1f} | {r[8]:.1f} min |')
def ms(i):
    xs = [r[i] for r in rows]
    return f'{statistics.mean(xs):.4f} ± {statistics.stdev(xs):.4f}'
print(f'| **mean ± sd** | | {ms(2)} | {ms(3)} | **{ms(4)}** | {ms(5)} | {ms(6)} | | |')
