"""Files: npz parameter files, KerasLMU files and the LMU paper's model file.

- `nengo_lmu.io.npz`: named arrays with their structure in ``.npz`` files
  (never pickled);
- `nengo_lmu.io.keras_weights`: KerasLMU's weights as `.LMUCell` weights;
- `nengo_lmu.io.keras_layers`: a Keras model's configuration as the chain
  of layers Nengo computes;
- `nengo_lmu.io.keras_files`: KerasLMU model files (``.h5``, ``.keras``);
- `nengo_lmu.io.keras_export`: an LMU classifier written as a Keras 3
  ``.keras`` file for keras-lmu;
- `nengo_lmu.io.paper_model`: the LMU paper's psMNIST model file;
- `nengo_lmu.io.hdf5`: Keras' HDF5 layout, shared by the two readers;
- `nengo_lmu.io.atomic`: writing a file by a rename, so that an interrupted
  write leaves the earlier file whole;
- `nengo_lmu.io.damage`: a missing or damaged file refused by name.

This package reads and writes arrays; `nengo_lmu.cell.keras_models` builds
networks from them.
"""

from nengo_lmu.io.keras_files import read_keras_layers, read_keras_lmu_model
from nengo_lmu.io.keras_weights import lmu_layer_weights
from nengo_lmu.io.npz import (
    check_parameters,
    load_model,
    load_parameters,
    save_model,
    save_parameters,
)
from nengo_lmu.io.paper_model import (
    PAPER_MODEL_ACCURACY,
    PAPER_MODEL_SHA256,
    read_lmu_paper_model,
    sha256,
)

__all__ = [
    "PAPER_MODEL_ACCURACY",
    "PAPER_MODEL_SHA256",
    "check_parameters",
    "lmu_layer_weights",
    "load_model",
    "load_parameters",
    "read_keras_layers",
    "read_keras_lmu_model",
    "read_lmu_paper_model",
    "save_model",
    "save_parameters",
    "sha256",
]
