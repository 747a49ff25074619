"""The former ``nengo_lmu.psmnist``: its names, now in `nengo_lmu.apps.psmnist`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.apps.psmnist import (
    FULL,
    MEMORY_NEURON_TYPES,
    NEURON_TYPES,
    PRETRAINED,
    PRETRAINED_NAMES,
    QUICK,
    Pipeline,
    pretrained,
    Settings,
)

__all__ = [
    "FULL",
    "MEMORY_NEURON_TYPES",
    "NEURON_TYPES",
    "PRETRAINED",
    "PRETRAINED_NAMES",
    "Pipeline",
    "QUICK",
    "Settings",
    "pretrained",
]
