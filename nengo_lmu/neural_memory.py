"""The former ``nengo_lmu.neural_memory``: its names, now in three modules.

They are in `nengo_lmu.neurons.network`, `nengo_lmu.neurons.scaling` and
`nengo_lmu.loihi.memory`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.neurons.network import MAPPINGS, LegendreMemoryNetwork
from nengo_lmu.neurons.scaling import (
    SCALING_MARGIN,
    AxisEncoders,
    coefficient_bounds,
    coefficient_peaks,
)
from nengo_lmu.loihi.memory import decode_boost

__all__ = [
    "AxisEncoders",
    "LegendreMemoryNetwork",
    "MAPPINGS",
    "SCALING_MARGIN",
    "coefficient_bounds",
    "coefficient_peaks",
    "decode_boost",
]
