"""The former ``nengo_lmu.keras_io``: its names, now in four modules.

They are in `nengo_lmu.cell.keras_models`, `nengo_lmu.io.keras_files`,
`nengo_lmu.io.keras_weights` and `nengo_lmu.io.paper_model`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.cell.keras_models import load_keras_lmu_model, load_lmu_paper_model
from nengo_lmu.io.keras_files import read_keras_lmu_model
from nengo_lmu.io.keras_weights import ACTIVATIONS, HIDDEN_CELLS, lmu_layer_weights
from nengo_lmu.io.paper_model import (
    PAPER_CELL_WEIGHTS,
    PAPER_MODEL_ACCURACY,
    PAPER_MODEL_SHA256,
    read_lmu_paper_model,
    sha256,
)

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_CELLS",
    "PAPER_CELL_WEIGHTS",
    "PAPER_MODEL_ACCURACY",
    "PAPER_MODEL_SHA256",
    "lmu_layer_weights",
    "load_keras_lmu_model",
    "load_lmu_paper_model",
    "read_keras_lmu_model",
    "read_lmu_paper_model",
    "sha256",
]
