"""Loads a registered fmnist model with MLflow's own pyfunc loader, as a Python colleague would.

Usage: pyfunc_predict.py MODEL_URI IMAGES_JSON (MLFLOW_TRACKING_URI names the server). Prints the
signature's input, then the class name of each image, one a line, in the model's own class names.
"""
import json
import sys

import mlflow.pyfunc
import numpy as np

model = mlflow.pyfunc.load_model(sys.argv[1])
spec = model.metadata.signature.inputs.inputs[0]
print("input", spec.name, list(spec.shape), spec.type)
classes = model.metadata.metadata["classes"]
with open(sys.argv[2]) as f:
    images = np.array(json.load(f), dtype=np.float32)
for row in model.predict(images)["probabilities"]:
    print(classes[int(np.argmax(row))])
