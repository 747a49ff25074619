"""Keras' HDF5 layout, read with h5py: weights by layer, and model configs.

Shared by the readers of KerasLMU files (`nengo_lmu.io.keras_files`) and of
the LMU paper's file (`nengo_lmu.io.paper_model`). Only arrays and JSON text
are read; nothing in a file is executed.
"""


import numpy as np


def import_h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "reading Keras HDF5 files needs h5py: pip install nengo-lmu[dl]"
        ) from None
    return h5py


def read_h5_layers(group):
    """``{layer: {weight name: array}}`` of a Keras 2 ``model_weights`` group."""
    layers = {}
    for layer in group.attrs["layer_names"]:
        layer = layer.decode() if isinstance(layer, bytes) else layer
        names = group[layer].attrs["weight_names"]
        layers[layer] = {}
        for name in names:
            name = name.decode() if isinstance(name, bytes) else name
            layers[layer][name] = np.array(group[layer][name], dtype=np.float64)
    return layers


def model_layers(config):
    """A Keras model config's class name and the class names of its layers."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        return None, []
    layers = config["config"].get("layers", [])
    return config.get("class_name"), [layer.get("class_name") for layer in layers]


def as_text(value):
    return value.decode() if isinstance(value, bytes) else str(value)
