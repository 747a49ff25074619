"""The LMU cell: a Legendre memory read by a hidden state of neurons.

- `nengo_lmu.cell.cell`: `LMUCell`, the cell as a network;
- `nengo_lmu.cell.memories`: the ways it computes its memory (exact
  process, trainable connections, spiking neurons, closed form);
- `nengo_lmu.cell.weights`: its weights' names, shapes, initial values,
  and reading them back;
- `nengo_lmu.cell.parallel`: the parallel path's input layout and its
  normalisation;
- `nengo_lmu.cell.trainable`: what NengoDL may train;
- `nengo_lmu.cell.classifier`: `LMUClassifier`, a cell with a readout;
- `nengo_lmu.cell.conversion`: rate networks to spiking ones;
- `nengo_lmu.cell.keras_models`: KerasLMU models and the LMU paper's model
  as classifiers.
"""

from nengo_lmu.cell.cell import LMUCell
from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.cell.conversion import convert_to_spiking, spiking_neuron_type
from nengo_lmu.cell.keras_models import (
    load_keras_lmu_model,
    load_keras_lmu_stack,
    load_lmu_paper_model,
    save_keras_lmu_model,
)
from nengo_lmu.cell.memories import (
    FEEDBACK_OPTIONS,
    MEMORY_TYPES,
    CellMemory,
    ClosedFormMemory,
    ConnectionMemory,
    NeuralMemory,
    ProcessMemory,
)
from nengo_lmu.cell.parallel import ParallelLayout, fold_normalization, normalization
from nengo_lmu.cell.weights import glorot_uniform, orthogonal

__all__ = [
    "FEEDBACK_OPTIONS",
    "MEMORY_TYPES",
    "CellMemory",
    "ClosedFormMemory",
    "ConnectionMemory",
    "LMUCell",
    "LMUClassifier",
    "NeuralMemory",
    "ParallelLayout",
    "ProcessMemory",
    "convert_to_spiking",
    "fold_normalization",
    "glorot_uniform",
    "load_keras_lmu_model",
    "load_keras_lmu_stack",
    "save_keras_lmu_model",
    "load_lmu_paper_model",
    "normalization",
    "orthogonal",
    "spiking_neuron_type",
]
