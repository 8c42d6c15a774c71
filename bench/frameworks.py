"""Trains the reference dense model, the compact or deep CNN or the ResNet on Fashion-MNIST in PyTorch or Keras.

One framework, model and batch size per process, so that peak RSS belongs to that run alone. Prints
one JSON line. The architectures, initialisation, optimizer, batch size and thread budget match
fmnist's at their defaults (fmnist-models: DenseModel, CompactCnn, DeepCnn, ResNet); see bench/README.md.

    python frameworks.py --framework torch --model dense --batch 32 --epochs 4 --threads 1
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

DATA_DIRS = [os.environ.get("FMNIST_DATA", ""), "/usr/share/datasets/fashion-mnist",
             os.path.expanduser("~/.cache/fmnist")]


def read_idx(name):
    for d in DATA_DIRS:
        for candidate in (os.path.join(d, name), os.path.join(d, name + ".gz")):
            if d and os.path.exists(candidate):
                opener = gzip.open if candidate.endswith(".gz") else open
                with opener(candidate, "rb") as f:
                    raw = f.read()
                dims = raw[3]
                shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
                return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{name} not found in {DATA_DIRS}: apt-get install dataset-fashion-mnist")


def load(train_limit):
    x = read_idx("train-images-idx3-ubyte").astype(np.float32) / 255.0
    y = read_idx("train-labels-idx1-ubyte").astype(np.int64)
    xt = read_idx("t10k-images-idx3-ubyte").astype(np.float32) / 255.0
    yt = read_idx("t10k-labels-idx1-ubyte").astype(np.int64)
    if train_limit:
        x, y = x[:train_limit], y[:train_limit]
    return x, y, xt, yt


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_torch(a, x, y, xt, yt):
    import torch
    from torch import nn

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(a.seed)
    if a.model == "dense":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        shape = (-1, 784)
    elif a.model == "resnet":
        net = torch_resnet(nn)
        shape = (-1, 1, 28, 28)
    elif a.model == "cnn-deep":
        net = torch_deep_cnn(nn)
        shape = (-1, 1, 28, 28)
    else:
        net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
        he_initialised(nn, net)
        shape = (-1, 1, 28, 28)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = torch.from_numpy(x.reshape(shape)), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(a.seed)
    epochs = []
    for _ in range(a.epochs):
        net.train()
        order = torch.randperm(len(xs), generator=generator)
        start = time.perf_counter()
        for i in range(0, len(xs), a.batch):
            idx = order[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
        epochs.append(time.perf_counter() - start)
    if a.profile_steps:
        profile_torch_steps(a, net, opt, loss_fn, xs, ys, generator)
    net.eval()
    xt_ = torch.from_numpy(xt.reshape(shape))

    def predict():
        with torch.no_grad():
            return torch.cat([net(xt_[i:i + a.infer_batch]) for i in range(0, len(xt_), a.infer_batch)]).argmax(1).numpy()

    return params, epochs, predict


def torch_resnet(nn, width=16, stages=3):
    """fmnist's ResNet at its defaults (fmnist-models: ResNet): a pre-activation block per stage."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.norm1, self.norm2 = nn.BatchNorm2d(cin), nn.BatchNorm2d(cout)
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.projection = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None

        def forward(self, x):
            first = nn.functional.relu(self.norm1(x))
            out = self.conv2(nn.functional.relu(self.norm2(self.conv1(first))))
            return out + (self.projection(first) if self.projection is not None else x)

    layers, channels = [nn.Conv2d(1, width, 3, 1, 1, bias=False)], width
    for stage in range(stages):
        out = width if stage == 0 else 2 * channels
        layers.append(Block(channels, out, 1 if stage == 0 else 2))
        channels = out
    layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    nn.init.xavier_normal_(layers[-1].weight)
    nn.init.zeros_(layers[-1].bias)
    return net


def torch_deep_cnn(nn, filters=32, dense=256):
    """fmnist's deep CNN at its defaults (fmnist-models: DeepCnn): three blocks of two batch-normalised 3x3
    convolutions, each block max-pooled with dropout 0.25, dense 256, dropout 0.5, softmax."""
    layers, channels = [], 1
    for block in range(3):
        for _ in range(2):
            layers += [nn.Conv2d(channels, filters << block, 3, padding=1), nn.BatchNorm2d(filters << block), nn.ReLU()]
            channels = filters << block
        layers += [nn.MaxPool2d(2), nn.Dropout(0.25)]
    layers += [nn.Flatten(), nn.Linear(channels * 3 * 3, dense), nn.ReLU(), nn.Dropout(0.5), nn.Linear(dense, 10)]
    return he_initialised(nn, nn.Sequential(*layers))


def he_initialised(nn, net):
    """fmnist's CNN initialisation: He-normal weights, Glorot-normal for the output layer, zero biases."""
    weighted = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    for m in weighted[:-1]:
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
    nn.init.xavier_normal_(weighted[-1].weight)
    nn.init.zeros_(weighted[-1].bias)
    return net


def profile_torch_steps(a, net, opt, loss_fn, xs, ys, generator):
    """Records a.profile_steps more training steps with torch.profiler; keeps the ops per step in a.profile."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    order = torch.randperm(len(xs), generator=generator)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for s in range(a.profile_steps):
            idx = order[s * a.batch:(s + 1) * a.batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xs[idx]), ys[idx]).backward()
            opt.step()
    ops = [e for e in prof.key_averages() if e.key.startswith("aten::")]
    ops.sort(key=lambda e: e.self_cpu_time_total, reverse=True)
    n = a.profile_steps
    a.profile = {"steps": n,
                 "aten_calls_per_step": sum(e.count for e in ops) / n,
                 "aten_self_microseconds_per_step": sum(e.self_cpu_time_total for e in ops) / n,
                 "ops": [{"op": e.key, "calls_per_step": e.count / n, "self_microseconds_per_step": e.self_cpu_time_total / n}
                         for e in ops]}


def run_keras(a, x, y, xt, yt):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    from tensorflow import keras

    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras.utils.set_random_seed(a.seed)
    he = keras.initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal")
    glorot_normal = keras.initializers.VarianceScaling(1.0, "fan_avg", "untruncated_normal")
    if a.model == "dense":
        net = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(32, activation="relu"),
                                keras.layers.Dense(10, activation="softmax")])
        shape = (-1, 28, 28)
    elif a.model == "cnn-deep":
        net = keras_deep_cnn(keras, he, glorot_normal)
        shape = (-1, 28, 28, 1)
    elif a.model == "resnet":
        net = keras_resnet(keras, he, glorot_normal)
        shape = (-1, 28, 28, 1)
    else:
        net = keras.Sequential([keras.Input((28, 28, 1)),
                                keras.layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=he),
                                keras.layers.MaxPooling2D(2),
                                keras.layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer=he),
                                keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                                keras.layers.Dense(128, activation="relu", kernel_initializer=he),
                                keras.layers.Dropout(0.5),
                                keras.layers.Dense(10, activation="softmax", kernel_initializer=glorot_normal)])
        shape = (-1, 28, 28, 1)
    net.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    times = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    net.fit(x.reshape(shape), y, batch_size=a.batch, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[EpochTimer()])
    xt_ = xt.reshape(shape)

    def predict():
        return net.predict(xt_, batch_size=a.infer_batch, verbose=0).argmax(1)

    return net.count_params(), times, predict


def keras_norm(keras):
    """A batch norm as DL4J's and PyTorch's: running averages decaying by 0.9 a step, epsilon 1e-5."""
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)


def keras_deep_cnn(keras, he, glorot_normal, filters=32, dense=256):
    """torch_deep_cnn in Keras."""
    layers = [keras.Input((28, 28, 1))]
    for block in range(3):
        for _ in range(2):
            layers += [keras.layers.Conv2D(filters << block, 3, padding="same", kernel_initializer=he), keras_norm(keras),
                       keras.layers.ReLU()]
        layers += [keras.layers.MaxPooling2D(2), keras.layers.Dropout(0.25)]
    layers += [keras.layers.Flatten(), keras.layers.Dense(dense, activation="relu", kernel_initializer=he),
               keras.layers.Dropout(0.5), keras.layers.Dense(10, activation="softmax", kernel_initializer=glorot_normal)]
    return keras.Sequential(layers)


def keras_resnet(keras, he, glorot_normal, width=16, stages=3):
    """torch_resnet in Keras."""
    images = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, kernel_initializer=he)(images)
    channels = width
    for stage in range(stages):
        out, stride = (width, 1) if stage == 0 else (2 * channels, 2)
        first = keras.layers.ReLU()(keras_norm(keras)(x))
        y = keras.layers.Conv2D(out, 3, strides=stride, padding="same", use_bias=False, kernel_initializer=he)(first)
        y = keras.layers.ReLU()(keras_norm(keras)(y))
        y = keras.layers.Conv2D(out, 3, padding="same", use_bias=False, kernel_initializer=he)(y)
        shortcut = x
        if stride != 1 or channels != out:
            shortcut = keras.layers.Conv2D(out, 1, strides=stride, use_bias=False, kernel_initializer=he)(first)
        x = keras.layers.Add()([y, shortcut])
        channels = out
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.ReLU()(keras_norm(keras)(x)))
    return keras.Model(images, keras.layers.Dense(10, activation="softmax", kernel_initializer=glorot_normal)(x))


def chosen_isa(framework):
    """The instruction set the library says it chose: PyTorch's CPU capability, TensorFlow's oneDNN flag
    (TF_ENABLE_ONEDNN_OPTS as TensorFlow read it; oneDNN's own verbose line says which ISA it dispatches to)."""
    if framework == "torch":
        return "ATen " + __import__("torch").backends.cpu.get_cpu_capability()
    from tensorflow.python.util import _pywrap_util_port
    return "oneDNN opts " + ("on" if _pywrap_util_port.IsMklEnabled() else "off")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--framework", choices=["torch", "keras"], required=True)
    p.add_argument("--model", choices=["dense", "cnn", "cnn-deep", "resnet"], required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--train-limit", type=int, default=0)
    p.add_argument("--infer-batch", type=int, default=1000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--profile-steps", type=int, default=0, help="torch only: profile this many more training steps")
    a = p.parse_args()
    x, y, xt, yt = load(a.train_limit)
    runner = run_torch if a.framework == "torch" else run_keras
    params, epochs, predict = runner(a, x, y, xt, yt)
    predicted = predict()  # warm-up pass, and the accuracy
    inference = []
    for _ in range(3):
        start = time.perf_counter()
        predict()
        inference.append(len(xt) / (time.perf_counter() - start))
    measured = epochs[1:] if len(epochs) > 1 else epochs
    version = __import__("torch").__version__ if a.framework == "torch" else __import__("tensorflow").__version__
    print(json.dumps({
        "framework": a.framework, "version": version, "model": a.model, "batch": a.batch, "threads": a.threads,
        "train_images": len(x), "parameters": int(params), "epoch_seconds": epochs,
        "median_epoch_seconds": statistics.median(measured),
        "samples_per_second": len(x) / statistics.median(measured),
        "test_accuracy": float((predicted == yt).mean()),
        "inference_images_per_second": statistics.median(inference), "peak_rss_mb": peak_rss_mb(),
        "isa": chosen_isa(a.framework),
        **({"op_profile": a.profile} if getattr(a, "profile", None) else {})}))


if __name__ == "__main__":
    main()
