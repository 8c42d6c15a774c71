"""Where Keras's inference of the compact CNN goes, layer by layer (bench/probes/CnnInferenceLayers.java
does the same for fmnist): the model of bench/frameworks.py with random weights (the speed does not
depend on them). Each layer runs as its own compiled tf.function on the previous layer's outputs, for
10 batches of 1,000 random images, as Keras's predict batches them; 2 threads. Median of 3 timings
each, after a warm-up, in microseconds per 1,000 images; then the whole model's predict on the same
10,000 images for comparison. (Timing cumulative sub-models instead measures the copying of their
large outputs back to NumPy, not the layers.)

    bench/.venv/bin/python bench/probes/keras_cnn_layers.py
"""
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from tensorflow import keras

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(1)
net = keras.Sequential([keras.Input((28, 28, 1)),
                        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                        keras.layers.MaxPooling2D(2),
                        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
                        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                        keras.layers.Dense(128, activation="relu"),
                        keras.layers.Dropout(0.5),
                        keras.layers.Dense(10, activation="softmax")])
x = np.random.default_rng(1).random((10_000, 28, 28, 1), dtype=np.float32)
batches = [tf.constant(x[i:i + 1000]) for i in range(0, len(x), 1000)]


def median_microseconds(run):
    run()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) / len(batches) * 1e6)
    return statistics.median(times)


print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; microseconds per 1,000 images")
total = 0.0
for k, layer in enumerate(net.layers, 1):
    step = tf.function(lambda inputs, layer=layer: layer(inputs, training=False))
    outputs = [step(b) for b in batches]
    spent = median_microseconds(lambda: [step(b) for b in batches])
    print(f"  {k}: {layer.__class__.__name__:<14} {spent:8.0f} us")
    total += spent
    batches = outputs
print(f"sum of layers {total:.0f} us; predict() of the whole model "
      f"{median_microseconds(lambda: net.predict(x, batch_size=1000, verbose=0)):.0f} us")
