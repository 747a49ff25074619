"""The exact Legendre memory: the `nengo.Process`, its operator and builders.

- `LegendreMemory` (`nengo_lmu.memory.process`): the memory as a process,
  used in a ``nengo.Node``;
- `SimLegendreMemory` (`nengo_lmu.memory.operator`): its operator, one
  product a step for all input dimensions;
- `nengo_lmu.memory.builder`: the nengo builder that emits the operator;
- `nengo_lmu.memory.structured`: the O(order) steps for large orders.
"""

from nengo_lmu.memory.builder import build_legendre_memory, register_nengo_dl_builder
from nengo_lmu.memory.operator import (
    STRUCTURED_MIN_ORDER,
    SimLegendreMemory,
    uses_structured_step,
)
from nengo_lmu.memory.process import LegendreMemory

__all__ = [
    "STRUCTURED_MIN_ORDER",
    "LegendreMemory",
    "SimLegendreMemory",
    "build_legendre_memory",
    "register_nengo_dl_builder",
    "uses_structured_step",
]
