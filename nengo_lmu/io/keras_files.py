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

from nengo_lmu.io.damage import readable_file, refusing_damage
from nengo_lmu.io.hdf5 import as_text, import_h5py, model_layers, read_h5_layers
from nengo_lmu.io.keras_weights import cell_weights, check_lmu_options


def _lmu_options_from_config(config, where):
    hidden = config.get("hidden_cell") or {}
    hidden_config = hidden.get("config", {})
    options = {
        "order": config["order"],
        "memory_d": config["memory_d"],
        "theta": config["theta"],
        "units": hidden_config.get("units"),
        "hidden_cell": hidden.get("class_name"),
        "hidden_name": hidden_config.get("name"),
        "hidden_use_bias": hidden_config.get("use_bias", True),
        "activation": hidden_config.get("activation"),
        "trainable_theta": config.get("trainable_theta", False),
        "has_kernel": config.get("kernel_initializer") is not None,
        "hidden_to_memory": config.get("hidden_to_memory", False),
        "memory_to_memory": config.get("memory_to_memory", False),
        "input_to_hidden": config.get("input_to_hidden", False),
        "use_bias": config.get("use_bias", False),
        "discretizer": config.get("discretizer", "zoh"),
    }
    check_lmu_options(options, where)
    return options


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
    recurrent kernel (``SimpleRNNCell``) and bias; the memory's kernel, bias
    (``use_bias``), ``theta_inv`` (``trainable_theta``) and recurrent kernel
    (``memory_to_memory``). The memory's are under ``layer/cell`` when
    KerasLMU runs the layer as an RNN and under ``layer`` when it runs it
    feed-forward (``LMUFeedforward``, the default without the recurrent
    options).
    """
    base = f"{_v3_root(weights)}/{layer}"

    def variables(group):
        if group not in weights:
            return []
        return [np.array(weights[group][str(i)]) for i in range(len(weights[group]))]

    hidden_names = ["hidden_kernel"]
    if options["hidden_cell"] == "SimpleRNNCell":
        hidden_names.append("hidden_recurrent_kernel")
    if options["hidden_use_bias"]:
        hidden_names.append("hidden_bias")
    memory_names = ["kernel"] + (["bias"] if options["use_bias"] else [])
    memory_names += ["theta_inv"] if options["trainable_theta"] else []
    memory_names += ["recurrent_kernel"] if options["memory_to_memory"] else []
    hidden = variables(f"{base}/hidden_cell/vars")
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
        base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", short).lower()
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


def read_keras_lmu_stack(path, config=None):
    """Read a KerasLMU model saved by Keras (``.h5``, or ``.keras``).

    Accepted: a ``Sequential`` or ``Functional`` model of an optional
    ``InputLayer``, one or more KerasLMU ``LMU`` layers in a chain (each but
    the last with ``return_sequences=True``; ``SimpleRNNCell`` or ``Dense``
    hidden cells, tanh or relu) and one ``Dense`` layer (linear or softmax:
    the Nengo network outputs its scores before the softmax). Keras 2
    HDF5 files and zip files (``config.json`` and ``model.weights.h5``) from
    Keras 2.12 and Keras 3 are read with json and h5py; nothing in the file
    is executed. ``dropout`` and ``recurrent_dropout`` are
    ignored: they act only in training.

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
    path = readable_file(path, "a Keras model file")
    with refusing_damage(path, "a Keras model file"):
        return _read_stack(path, config)


def _read_stack(path, config):
    h5py = import_h5py()
    with open(path, "rb") as f:
        signature = f.read(8)
    if signature.startswith(b"PK"):
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

    model_class, kinds = model_layers(config)
    body = [k for k in kinds if k != "InputLayer"]
    short = [k.split(">")[-1] for k in body]
    if (
        model_class not in ("Sequential", "Functional")
        or len(body) < 2
        or short[-1] != "Dense"
        or any(k != "LMU" for k in short[:-1])
    ):
        raise ValidationError(
            f"{where}: expected a model of LMU layers followed by a Dense layer, "
            f"found {model_class} of {kinds}",
            attr="path",
        )
    layer_configs = [
        layer["config"]
        for layer in config["config"]["layers"]
        if layer["class_name"] != "InputLayer"
    ]
    lmu_configs, dense_config = layer_configs[:-1], layer_configs[-1]
    for i, lmu_config in enumerate(lmu_configs[:-1]):
        if not lmu_config.get("return_sequences", False):
            raise ValidationError(
                f"{where}: LMU layer {i} feeds another LMU layer, so it must "
                "return sequences (return_sequences=True)",
                attr="path",
            )
    options = [_lmu_options_from_config(c, where) for c in lmu_configs]
    if dense_config.get("activation") not in ("linear", "softmax"):
        raise ValidationError(
            f"{where}: the Dense layer's activation is "
            f"{dense_config.get('activation')!r}; expected linear or softmax",
            attr="path",
        )

    if layout == "h5":
        arrays = [
            _lmu_arrays_h5(layers[c["name"]], o) for c, o in zip(lmu_configs, options)
        ]
        dense = {
            key.split("/")[-1].split(":")[0]: value
            for key, value in layers[dense_config["name"]].items()
        }
    else:
        with h5py.File(weights_file, "r") as weights:
            keys = _v3_group_names(weights, body, where)
            arrays = [
                _lmu_arrays_v3(weights, key, o, where) for key, o in zip(keys, options)
            ]
            dense_vars = f"{_v3_root(weights)}/{keys[-1]}/vars"
            dense_names = ["kernel"] + (
                ["bias"] if dense_config.get("use_bias", True) else []
            )
            dense = {
                name: np.array(weights[dense_vars][str(i)], dtype=np.float64)
                for i, name in enumerate(dense_names)
            }
    cells = [
        cell_weights(o, {k: np.asarray(v, dtype=np.float64) for k, v in a.items()})
        for o, a in zip(options, arrays)
    ]
    n_classes = dense["kernel"].shape[1]
    readout = {
        "readout_kernel": np.asarray(dense["kernel"], dtype=np.float64).T,
        "readout_bias": np.asarray(dense.get("bias", np.zeros(n_classes)), np.float64),
    }
    return cells, readout


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
