"""Running a ``.keras`` file in Keras 3 with keras-lmu (tools/keras3_predict.py).

Keras 3 lives in its own environment (``.venv-keras3``, ``make keras3``):
TensorFlow 2.19 cannot share one with TensorFlow 2.12.
``NENGO_LMU_KERAS3_PYTHON`` names its interpreter; ``make test`` sets it and
``NENGO_LMU_REQUIRE_KERAS3=1``, so that a missing environment fails there
instead of skipping.
"""

import os
import subprocess
from pathlib import Path

import numpy as np

from environments import external_python

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "keras3_predict.py"


def keras3_python():
    """The environment's interpreter, or a skip (a failure where required)."""
    return external_python(
        "NENGO_LMU_KERAS3_PYTHON",
        ".venv-keras3/bin/python",
        "keras3",
        "NENGO_LMU_REQUIRE_KERAS3",
    )


def keras3_predict(path, inputs, tmp_path):
    """Keras 3's predictions of the model in ``path`` for ``inputs``."""
    python = keras3_python()
    x, y = tmp_path / "inputs.npy", tmp_path / "predictions.npy"
    np.save(x, np.asarray(inputs, dtype=np.float32))
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "-1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [str(python), str(SCRIPT), str(path), str(x), str(y)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    if result.returncode != 0:
        raise AssertionError(f"Keras 3 could not load {path}:\n{result.stderr[-3000:]}")
    return np.load(y)
