"""nengo-lmu: the Legendre Memory Unit as a first-class part of Nengo.

The parts, each a sub-package, from the ground up (each uses only those
before it):

- `nengo_lmu.legendre`: the mathematics of the memory;
- `nengo_lmu.dl`: NengoDL builders (imported only with NengoDL);
- `nengo_lmu.memory`: the exact memory as a `nengo.Process`;
- `nengo_lmu.neurons`: the memory in spiking neuron ensembles;
- `nengo_lmu.loihi`: the spiking memory laid out for NengoLoihi;
- `nengo_lmu.io`: npz, KerasLMU and LMU-paper files;
- `nengo_lmu.cell`: the LMU cell, its classifier, conversion to spikes;
- `nengo_lmu.apps`: psMNIST and the LMU paper's model, end to end;
- `nengo_lmu.cli`: the ``nengo-lmu`` command.
"""

from nengo_lmu import loihi  # noqa: F401  (registers the spiking memory's Loihi layout)
from nengo_lmu.cell import (
    LMUCell,
    LMUClassifier,
    convert_to_spiking,
    spiking_neuron_type,
)
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
from nengo_lmu.io import load_parameters, save_parameters
from nengo_lmu.memory import LegendreMemory, SimLegendreMemory
from nengo_lmu.neurons import LegendreMemoryNetwork
from nengo_lmu.version import version as __version__  # noqa: F401  (public)

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
