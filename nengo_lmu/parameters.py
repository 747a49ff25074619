"""The former ``nengo_lmu.parameters``: its names, now in two modules.

They are in `nengo_lmu.cell.weights` and `nengo_lmu.io.npz`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.cell.weights import glorot_uniform, orthogonal
from nengo_lmu.io.npz import (
    METADATA_KEY,
    NEURON_TYPES,
    check_parameters,
    describe_neuron_type,
    load_model,
    load_parameters,
    neuron_type_from,
    save_model,
    save_parameters,
)

__all__ = [
    "METADATA_KEY",
    "NEURON_TYPES",
    "check_parameters",
    "describe_neuron_type",
    "glorot_uniform",
    "load_model",
    "load_parameters",
    "neuron_type_from",
    "orthogonal",
    "save_model",
    "save_parameters",
]
