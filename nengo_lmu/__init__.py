"""nengo-lmu: the Legendre Memory Unit as a first-class part of Nengo."""

from nengo_lmu.legendre import (
    discretize,
    euler_min_theta,
    impulse_response,
    legendre_readout,
    lmu_eigenvalues,
    lmu_matvec,
    lmu_system,
)
from nengo_lmu.memory import LegendreMemory, SimLegendreMemory
from nengo_lmu.version import version as __version__

__all__ = [
    "LegendreMemory",
    "SimLegendreMemory",
    "discretize",
    "euler_min_theta",
    "impulse_response",
    "legendre_readout",
    "lmu_eigenvalues",
    "lmu_matvec",
    "lmu_system",
]
