"""psMNIST with an LMU, end to end.

- `nengo_lmu.apps.psmnist.settings`: what a run trains and evaluates;
- `nengo_lmu.apps.psmnist.training`: training on the parallel path;
- `nengo_lmu.apps.psmnist.pipeline`: `Pipeline`, one run (data, training,
  the stages, the table, saving);
- `nengo_lmu.apps.psmnist.evaluation`: the evaluations of the temporal
  network with rate and spiking neurons, which `Pipeline` inherits;
- `nengo_lmu.apps.psmnist.figure`: the figure of a run;
- `nengo_lmu.apps.psmnist.pretrained`: the models shipped with the package;
- `nengo_lmu.apps.psmnist.loihi`: the hidden layer on NengoLoihi, the memory
  exact on the host.
"""

from nengo_lmu.apps.psmnist.pipeline import Pipeline
from nengo_lmu.apps.psmnist.pretrained import PRETRAINED, PRETRAINED_NAMES, pretrained
from nengo_lmu.apps.psmnist.settings import (
    FULL,
    MEMORY_NEURON_TYPES,
    NEURON_TYPES,
    QUICK,
    Settings,
    with_settings,
)

__all__ = [
    "FULL",
    "MEMORY_NEURON_TYPES",
    "NEURON_TYPES",
    "PRETRAINED",
    "PRETRAINED_NAMES",
    "QUICK",
    "Pipeline",
    "Settings",
    "pretrained",
    "with_settings",
]
