"""The former ``nengo_lmu.dl_builders``: its names, now in `nengo_lmu.dl.builders`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.dl.builders import (
    MatMulDotIncBuilder,
    restore_dot_builder,
    SimLegendreMemoryBuilder,
)

__all__ = ["MatMulDotIncBuilder", "SimLegendreMemoryBuilder", "restore_dot_builder"]
