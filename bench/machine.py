"""Where a benchmark ran: the CPU, its vector extensions, and the instruction set each library chose.

    python machine.py LIBRARIES.json

LIBRARIES.json holds, by pinning ("native", "avx2") and framework, what bench/run's probes read back
from each library (oneDNN's verbose ISA line; PyTorch's CPU capability; TensorFlow's oneDNN flag).
Prints one JSON line for raw.jsonl.
"""
import json
import os
import platform
import subprocess
import sys

# The extensions that decide which kernels a library picks, as /proc/cpuinfo names them.
VECTOR = ("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni")
VECTOR_PREFIXES = ("avx512", "amx")


def cpuinfo(key):
    return next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith(key)), "")


def main(libraries):
    flags = cpuinfo("flags").split()
    vector = [f for f in flags if f in VECTOR or f.startswith(VECTOR_PREFIXES)]
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 1024 / 1024
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(json.dumps({"purpose": "machine", "result": {
        "cpu": cpuinfo("model name"), "cores": os.cpu_count(), "memory_gib": round(mem),
        "vector_extensions": vector, "platform": platform.platform(), "java": java,
        "python": platform.python_version(), "libraries": json.load(open(libraries))}}))


if __name__ == "__main__":
    main(sys.argv[1])
