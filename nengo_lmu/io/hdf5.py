"""Keras' HDF5 layout, read with h5py: weights by layer, and model configs.

Shared by the readers of KerasLMU files (`nengo_lmu.io.keras_files`) and of
the LMU paper's file (`nengo_lmu.io.paper_model`). Only arrays and JSON text
are read; nothing in a file is executed.
"""

import numpy as np


def import_h5py():
    """h5py, or an ImportError that says how to install it.

    Returns
    -------
    module
        ``h5py``.
    """
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "reading Keras HDF5 files needs h5py: pip install nengo-lmu[dl]"
        ) from None
    return h5py


def read_h5_layers(group):
    """``{layer: {weight name: array}}`` of a Keras 2 ``model_weights`` group.

    Parameters
    ----------
    group : h5py.Group
        The group (its ``layer_names`` and ``weight_names`` attributes).

    Returns
    -------
    dict of str to dict of str to ndarray
        The weights of each layer, float64.
    """
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
    """A Keras model config's class name and the class names of its layers.

    Parameters
    ----------
    config : dict
        The model config (parsed JSON).

    Returns
    -------
    class_name : str or None
        The model's class (None if ``config`` is not a model config).
    layers : list of str
        Its layers' classes.
    """
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        return None, []
    layers = config["config"].get("layers", [])
    return config.get("class_name"), [layer.get("class_name") for layer in layers]


def as_text(value):
    """``value`` as text (HDF5 attributes may hold bytes).

    Parameters
    ----------
    value : bytes or str
        The attribute.

    Returns
    -------
    str
    """
    return value.decode() if isinstance(value, bytes) else str(value)
