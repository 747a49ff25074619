"""nengo-lmu: the Legendre Memory Unit as a first-class part of Nengo."""

from nengo_lmu.cell import LMUCell
from nengo_lmu.classifier import LMUClassifier
from nengo_lmu.conversion import convert_to_spiking, spiking_neuron_type
from nengo_lmu.legendre import (
    PADE_DEGREES,
    discretize,
    euler_min_theta,
    impulse_response,
    legendre_readout,
    lmu_eigenvalues,
    lmu_inverse,
    lmu_matvec,
    lmu_system,
    memory_trajectory,
    pade_exp,
)
from nengo_lmu.memory import LegendreMemory, SimLegendreMemory
from nengo_lmu.neural_memory import LegendreMemoryNetwork
from nengo_lmu.parameters import load_parameters, save_parameters
from nengo_lmu.version import version as __version__

__all__ = [
    "PADE_DEGREES",
    "LMUCell",
    "LMUClassifier",
    "LegendreMemory",
    "LegendreMemoryNetwork",
    "SimLegendreMemory",
    "convert_to_spiking",
    "discretize",
    "euler_min_theta",
    "impulse_response",
    "legendre_readout",
    "lmu_eigenvalues",
    "lmu_inverse",
    "lmu_matvec",
    "lmu_system",
    "load_parameters",
    "memory_trajectory",
    "pade_exp",
    "save_parameters",
    "spiking_neuron_type",
]
