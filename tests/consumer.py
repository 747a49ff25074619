"""Running graphs in the independent NIR consumer (Norse, tools/nir_consumer.py).

The consumer lives in its own environment (``.venv-nir``, ``make
nir-consumer``): PyTorch cannot share one with TensorFlow 2.12.
``NENGO_LMU_NIR_PYTHON`` names its interpreter; ``make test`` sets it and
``NENGO_LMU_REQUIRE_NIR_CONSUMER=1``, so that a missing consumer fails
there instead of skipping.
"""

import subprocess
from pathlib import Path

import numpy as np

from nengo_lmu.nir import write

from environments import external_python

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "nir_consumer.py"


def consumer_python():
    """The consumer's interpreter, or a skip (a failure where it is required)."""
    return external_python(
        "NENGO_LMU_NIR_PYTHON",
        ".venv-nir/bin/python",
        "nir-consumer",
        "NENGO_LMU_REQUIRE_NIR_CONSUMER",
    )


def run_in_consumer(graph, inputs, dt, tmp_path):
    """The graph's output at each step in Norse, for ``inputs`` (batch, steps, d)."""
    python = consumer_python()
    path, x, y = tmp_path / "graph.nir", tmp_path / "inputs.npy", tmp_path / "out.npy"
    write(path, graph)
    np.save(x, np.asarray(inputs, dtype=np.float32))
    subprocess.run(
        [str(python), str(SCRIPT), str(path), str(x), str(y), "--dt", str(dt)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return np.load(y)
