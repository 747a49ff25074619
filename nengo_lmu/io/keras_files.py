"""KerasLMU classifier files: Keras 2 ``.h5`` and ``.keras`` files, and Keras 3's.

A Keras 2.12 ``.keras`` file keeps a layer's weights under
``_layer_checkpoint_dependencies/<layer>``, a Keras 3 one (keras-lmu 0.8 and
0.9) under ``layers/<layer>``; both number a layer's variables in the order
they were created, and name layers by class (``lmu``, ``dense``), not by the
layers' own names. Errors name the Keras version that saved the file.

Files are read with json and h5py: nothing in them is executed, and only
known structures are accepted.
"""

import io
import json
import re
import zipfile

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import array_problem
from nengo_lmu.io.damage import readable_file, refusing_damage
from nengo_lmu.io.hdf5 import as_text, import_h5py, read_h5_layers
from nengo_lmu.io.keras_layers import (
    MEMORY_LAYERS,
    layer_class,
    lmu_options,
    model_chain,
)
from nengo_lmu.io.keras_weights import cell_weights, memory_layer_weights


def _lmu_arrays_h5(layer_weights, options):
    """KerasLMU's named arrays from a Keras 2 HDF5 layer group's weights."""
    arrays = {}
    for name, value in layer_weights.items():
        parts = name.split(":")[0].split("/")
        key = parts[-1]
        if options["hidden_name"] in parts[:-1]:
            key = "hidden_" + key
        arrays[key] = value
    return arrays


def _v3_root(weights):
    """The group that holds a zip file's layers: ``layers`` (Keras 3) or
    ``_layer_checkpoint_dependencies`` (Keras 2.12's v3 format)."""
    for root in ("layers", "_layer_checkpoint_dependencies"):
        if root in weights:
            return root
    raise ValidationError(
        f"its model.weights.h5 has neither 'layers' (Keras 3) nor "
        f"'_layer_checkpoint_dependencies' (Keras 2.12); found {sorted(weights)}",
        attr="path",
    )


def _lmu_arrays_v3(weights, layer, options, where):
    """KerasLMU's named arrays from a Keras v3 (zip) weights file.

    Variables are stored by creation order: the hidden cell's kernel,
    recurrent kernel (``SimpleRNNCell``) and bias; the memory's kernel
    (unless ``kernel_initializer=None``), bias (``use_bias``), ``theta_inv``
    (``trainable_theta``) and recurrent kernel (``memory_to_memory``). An
    ``LMU`` layer keeps the memory's under ``layer/cell`` when KerasLMU runs
    it as an RNN and under ``layer`` when it runs it feed-forward (an inner
    ``LMUFeedforward``, the default without the recurrent options); an
    ``LMUFeedforward`` layer keeps them in its own ``vars``.
    """
    base = f"{_v3_root(weights)}/{layer}"

    def variables(group):
        if group not in weights:
            return []
        return [np.array(weights[group][str(i)]) for i in range(len(weights[group]))]

    hidden_names = []
    if options["hidden_cell"] is not None:
        hidden_names.append("hidden_kernel")
        if options["hidden_cell"] == "SimpleRNNCell":
            hidden_names.append("hidden_recurrent_kernel")
        if options["hidden_use_bias"]:
            hidden_names.append("hidden_bias")
    memory_names = ["kernel"] if options["has_kernel"] else []
    memory_names += ["bias"] if options["use_bias"] else []
    memory_names += ["theta_inv"] if options["trainable_theta"] else []
    memory_names += ["recurrent_kernel"] if options["memory_to_memory"] else []
    hidden = variables(f"{base}/hidden_cell/vars")
    if options["layer_class"] == "LMUFeedforward":
        memory = variables(f"{base}/vars")
    else:
        memory = variables(f"{base}/layer/cell/vars") or variables(f"{base}/layer/vars")
    if len(hidden) != len(hidden_names) or len(memory) != len(memory_names):
        raise ValidationError(
            f"{where}: layer {layer!r}: found {len(hidden)} hidden-cell and "
            f"{len(memory)} memory variables, expected {hidden_names} and "
            f"{memory_names}",
            attr="path",
        )
    return dict(zip(hidden_names + memory_names, hidden + memory))


def _v3_group_names(weights, kinds, where):
    """The weights file's group of each layer of ``kinds``, in order.

    Groups are named by class in snake case (``lmu``, ``dense``) with a
    number from the second of a class on; Keras 3 counts the model's layers
    (``lmu``, ``lmu_1``), Keras 2.12 every object it saves (``lmu``,
    ``lmu_2``). The groups of a class, in the order of their numbers, are
    its layers in order.
    """
    root = weights[_v3_root(weights)]
    names, taken = [], {}
    for kind in kinds:
        base = _v3_layer_keys([kind])[0]
        numbered = sorted(
            (0 if g == base else int(g[len(base) + 1 :]), g)
            for g in root
            if g == base or re.fullmatch(re.escape(base) + r"_\d+", g)
        )
        index = taken.get(base, 0)
        if index >= len(numbered):
            raise ValidationError(
                f"{where}: the weights have {len(numbered)} {base!r} groups, the "
                f"configuration more {kind} layers",
                attr="path",
            )
        names.append(numbered[index][1])
        taken[base] = index + 1
    return names


def _v3_layer_keys(kinds):
    """The names a Keras v3 weights file gives a model's layers: the class
    name in snake case, numbered from the second of a class on (``dense``,
    ``dense_1``), whatever the layers' own names."""
    keys, counts = [], {}
    for kind in kinds:
        short = kind.split(">")[-1]
        # Keras' snake case: LMUFeedforward is lmu_feedforward
        base = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", short)
        base = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", base).lower()
        count = counts.get(base, 0)
        keys.append(base if count == 0 else f"{base}_{count}")
        counts[base] = count + 1
    return keys


def _read_config(config):
    """A model configuration: a dict, or the path of its JSON file."""
    if isinstance(config, dict):
        return config
    try:
        with open(config, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        raise ValidationError(
            f"cannot read the model configuration {config}: {error}", attr="config"
        ) from None


def read_keras_layers(path, config=None):
    """Read a Keras model of KerasLMU and Dense layers, layer by layer.

    Accepted: a ``Sequential`` or ``Functional`` model that is a chain (each
    layer reads the one before it) of an optional ``InputLayer``, KerasLMU
    ``LMU`` and ``LMUFeedforward`` layers and ``Dense`` layers, in any order,
    ending with a ``Dense`` readout (linear or softmax: the Nengo network
    outputs its scores before the softmax); a memory layer that feeds a
    later one returns sequences. An inner ``Dense`` layer is linear, tanh
    or relu. The memory layers' hidden cells are ``SimpleRNNCell`` or
    ``Dense`` (tanh or relu), or none (the layer outputs its memory).

    Keras 2 HDF5 files and zip files (``config.json`` and
    ``model.weights.h5``) from Keras 2.12 and Keras 3 are read with json
    and h5py; nothing in the file is executed. ``dropout`` and
    ``recurrent_dropout`` are ignored: they act only in training.
    ``LMUFeedforward``'s ``conv_mode`` and ``truncate_ir`` are ignored
    too: Nengo computes the exact memory, which KerasLMU's FFT convolution
    computes to float32 rounding and its ``"raw"`` convolution to about
    ``truncate_ir`` (the impulse response's tail it drops).

    Parameters
    ----------
    path : str or path-like
        The ``.h5`` or ``.keras`` file, or a Keras 3 ``.weights.h5`` file
        (``model.save_weights``) with ``config``.
    config : dict or str or path-like, optional
        For a ``.weights.h5`` file: the model's configuration (the JSON of
        ``model.to_json()``, or its file).

    Returns
    -------
    list of dict
        The layers, first to last, each with ``kind`` and ``keras_class``:

        - ``"cell"`` (a memory layer with a hidden cell): ``options``
          (`.LMUCell` options with ``theta_steps`` and ``activation``) and
          ``weights`` (`.LMUCell` weights);
        - ``"memory"`` (a memory layer without a hidden cell): ``options``
          and ``weights`` of `.memory_layer_weights`;
        - ``"dense"``: ``kernel`` ``(units, inputs)``, ``bias`` ``(units,)``
          and ``activation``.
    """
    path = readable_file(path, "a Keras model file")
    with refusing_damage(path, "a Keras model file"):
        return _read_layers(path, config)


def _read_layers(path, config):
    h5py = import_h5py()
    with open(path, "rb") as f:
        signature = f.read(8)
    if signature.startswith(b"PK"):
        if config is not None:
            raise ValidationError(
                f"{path} is a .keras file, which holds its own configuration; "
                "config= is only for a Keras 3 .weights.h5 file",
                attr="config",
            )
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "config.json" not in names or "model.weights.h5" not in names:
                raise ValidationError(
                    f"{path} is a zip file without config.json and model.weights.h5 "
                    f"(found {names}): not a Keras model",
                    attr="path",
                )
            config = json.loads(archive.read("config.json"))
            weights_file = io.BytesIO(archive.read("model.weights.h5"))
            saved_by = "Keras (version not recorded)"
            if "metadata.json" in names:
                version = json.loads(archive.read("metadata.json")).get("keras_version")
                saved_by = f"Keras {version}" if version else saved_by
        layout = "v3"
        where = f"{path} (saved by {saved_by})"
    elif signature == b"\x89HDF\r\n\x1a\n" and config is not None:
        # Keras 3's save_weights file: the layout of a .keras file's
        # model.weights.h5, the model's configuration apart (model.to_json())
        config = _read_config(config)
        with open(path, "rb") as f:
            weights_file = io.BytesIO(f.read())
        layout = "v3"
        where = f"{path} (a weights file, its configuration apart)"
    elif signature == b"\x89HDF\r\n\x1a\n":
        with h5py.File(path, "r") as f:
            if "layers" in f and "model_config" not in f.attrs:
                raise ValidationError(
                    f"{path} is a Keras 3 weights file (model.save_weights): pass "
                    "the model's configuration too, config=<the JSON of "
                    "model.to_json()>, or save the whole model with model.save",
                    attr="config",
                )
            if "model_config" not in f.attrs or "model_weights" not in f:
                raise ValidationError(
                    f"{path} holds weights only, not a whole Keras model (save "
                    "the model with model.save)",
                    attr="path",
                )
            config = json.loads(as_text(f.attrs["model_config"]))
            layers = read_h5_layers(f["model_weights"])
            version = as_text(f.attrs.get("keras_version", b"")) or "not recorded"
        layout = "h5"
        where = f"{path} (saved by Keras {version})"
    else:
        raise ValidationError(f"{path} is neither an HDF5 nor a zip file", attr="path")

    chain = model_chain(config, where)
    classes = [layer_class(layer) for layer in chain]
    options = [
        lmu_options(layer, f"{where}, layer {i}") if c in MEMORY_LAYERS else None
        for i, (layer, c) in enumerate(zip(chain, classes))
    ]
    if layout == "h5":
        arrays = [
            _lmu_arrays_h5(layers[layer["config"]["name"]], o)
            if o
            else _dense_arrays_h5(layers[layer["config"]["name"]])
            for layer, o in zip(chain, options)
        ]
    else:
        with h5py.File(weights_file, "r") as weights:
            keys = _v3_group_names(weights, classes, where)
            arrays = [
                _lmu_arrays_v3(weights, key, o, where)
                if o
                else _dense_arrays_v3(weights, key, layer["config"], where)
                for key, layer, o in zip(keys, chain, options)
            ]
    described = []
    for i, (layer, c, o, a) in enumerate(zip(chain, classes, options, arrays)):
        a = {
            k: _weight_array(v, f"{where}, layer {i} ({c}), {k!r}")
            for k, v in a.items()
        }
        if o is None:
            kernel = a["kernel"].T
            bias = a.get("bias", np.zeros(kernel.shape[0]))
            activation = layer["config"].get("activation")
            described.append(
                dict(kind="dense", kernel=kernel, bias=bias, activation=activation)
            )
        else:
            kind = "memory" if o["hidden_cell"] is None else "cell"
            read = memory_layer_weights if kind == "memory" else cell_weights
            layer_options, layer_weights = read(o, a)
            described.append(
                dict(kind=kind, options=layer_options, weights=layer_weights)
            )
        described[-1]["keras_class"] = c
    return described


def _weight_array(value, where):
    """A weight read from a file as float64, refused (naming it) if it is not
    real and finite."""
    problem = array_problem(value)
    if problem is not None:
        raise ValidationError(f"{where} {problem}", attr="path")
    return np.asarray(value, dtype=np.float64)


def _dense_arrays_h5(layer_weights):
    """A Dense layer's ``kernel`` and ``bias`` from a Keras 2 HDF5 group."""
    return {
        key.split("/")[-1].split(":")[0]: value for key, value in layer_weights.items()
    }


def _dense_arrays_v3(weights, key, config, where):
    """A Dense layer's ``kernel`` and ``bias`` from a Keras v3 weights file."""
    group = f"{_v3_root(weights)}/{key}/vars"
    names = ["kernel"] + (["bias"] if config.get("use_bias", True) else [])
    found = len(weights[group]) if group in weights else 0
    if found != len(names):
        raise ValidationError(
            f"{where}: Dense layer {key!r}: found {found} variables, expected {names}",
            attr="path",
        )
    return {name: np.array(weights[group][str(i)]) for i, name in enumerate(names)}


def read_keras_lmu_stack(path, config=None):
    """Read a KerasLMU model of LMU layers in a chain and a Dense readout.

    See `read_keras_layers` for the files and layers accepted; here every
    layer but the readout is a memory layer with a hidden cell (an ``LMU``
    or ``LMUFeedforward`` layer). Models with other layers are read by
    `read_keras_layers` (and `.load_keras_lmu_stack`).

    Parameters
    ----------
    path : str or path-like
        The ``.h5`` or ``.keras`` file, or a Keras 3 ``.weights.h5`` file
        (``model.save_weights``) with ``config``.
    config : dict or str or path-like, optional
        For a ``.weights.h5`` file: the model's configuration (the JSON of
        ``model.to_json()``, or its file).

    Returns
    -------
    cells : list of (dict, dict)
        For each LMU layer, first to last: `.LMUCell` options (with
        ``theta_steps`` and ``activation``) and weights.
    readout : dict
        ``readout_kernel`` ``(n_classes, units)`` and ``readout_bias``.
    """
    layers = read_keras_layers(path, config=config)
    *cells, readout = layers
    others = [
        f"layer {i}: {d['keras_class']}"
        + (" without a hidden cell" if d["kind"] == "memory" else "")
        for i, d in enumerate(cells)
        if d["kind"] != "cell"
    ]
    if others:
        raise ValidationError(
            f"{path}: besides LMU layers with hidden cells and a Dense readout it "
            f"holds {others}; read it with read_keras_layers, or build it with "
            "load_keras_lmu_stack",
            attr="path",
        )
    return (
        [(d["options"], d["weights"]) for d in cells],
        {"readout_kernel": readout["kernel"], "readout_bias": readout["bias"]},
    )


def read_keras_lmu_model(path, config=None):
    """Read a KerasLMU classifier of one LMU layer (see `read_keras_lmu_stack`).

    Parameters
    ----------
    path : str or path-like
        The file.
    config : dict or str or path-like, optional
        For a Keras 3 ``.weights.h5`` file: the model's configuration.

    Returns
    -------
    options : dict
        `.LMUCell` options with ``theta_steps``, ``activation`` and
        ``n_classes``.
    weights : dict
        `.LMUClassifier` weights.
    """
    cells, readout = read_keras_lmu_stack(path, config=config)
    if len(cells) != 1:
        raise ValidationError(
            f"{path} holds {len(cells)} LMU layers; an LMUClassifier has one: read "
            "it with load_keras_lmu_stack",
            attr="path",
        )
    cell_options, weights = cells[0]
    weights.update(readout)
    cell_options["n_classes"] = readout["readout_kernel"].shape[0]
    return cell_options, weights
