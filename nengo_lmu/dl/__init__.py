"""Everything NengoDL: the memory's builder, an opt-in faster dense product,
opt-in spike-aware training, and the settings and simulators that
nengo-lmu's own pipelines use.

Importing this package imports NengoDL and TensorFlow; the rest of
nengo-lmu imports without them.
"""

from nengo_lmu.dl.builders import (
    MatMulDotIncBuilder,
    SimLegendreMemoryBuilder,
    fast_dot_products,
    restore_dot_builder,
)
from nengo_lmu.dl.simulation import configure, predict, simulator
from nengo_lmu.dl.spike_aware import (
    StraightThroughRegularSpikingBuilder,
    spike_aware_training,
)

__all__ = [
    "MatMulDotIncBuilder",
    "SimLegendreMemoryBuilder",
    "configure",
    "fast_dot_products",
    "predict",
    "restore_dot_builder",
    "simulator",
    "spike_aware_training",
    "StraightThroughRegularSpikingBuilder",
]
