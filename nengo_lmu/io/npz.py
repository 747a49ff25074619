"""Named parameter arrays in npz files: checks, saving and loading.

A trained model is a set of named arrays (an LMU cell's kernels, encoders and
biases, a readout) plus a description of the structure they belong to. This
module checks a set of arrays against the shapes a structure expects, and
saves and loads both in one ``.npz`` file. Files are read with
``allow_pickle=False``: loading never executes code, and anything that is
not a plain numeric array is refused.
"""

import inspect
import json
import zipfile
from pathlib import Path

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import array_problem
from nengo_lmu.io.atomic import write_atomically
from nengo_lmu.io.damage import as_path, naming_file

# the key under which the structure description is stored, as JSON text
METADATA_KEY = "__metadata__"


def check_parameters(parameters, shapes, attr="weights", obj=None):
    """Refuse ``parameters`` unless its names and shapes are exactly ``shapes``.

    Parameters
    ----------
    parameters : dict of str -> array_like
        The arrays to check.
    shapes : dict of str -> tuple
        The expected name and shape of every array.
    attr : str
        The argument named in the error.
    obj : object, optional
        The object named in the error (a cell or a classifier).

    Returns
    -------
    dict of str -> ndarray
        The arrays as float64 copies, in the order of ``shapes``.
    """
    if not isinstance(parameters, dict):
        raise ValidationError(
            f"must be a dict of named arrays, got {type(parameters).__name__}",
            attr=attr,
            obj=obj,
        )
    if not isinstance(shapes, dict):
        raise ValidationError(
            f"must be a dict of names and shapes, got {type(shapes).__name__}",
            attr="shapes",
        )
    missing = [name for name in shapes if name not in parameters]
    extra = [name for name in parameters if name not in shapes]
    problems = []
    if missing:
        problems.append(f"missing {missing}")
    if extra:
        problems.append(f"unexpected {extra}")
    checked = {}
    for name, shape in shapes.items():
        if name not in parameters:
            continue
        problem = array_problem(parameters[name])
        value = np.asarray(parameters[name]) if problem is None else None
        if problem is not None:
            problems.append(f"{name!r} {problem}")
        elif value.shape != tuple(shape):
            problems.append(
                f"{name!r} has shape {value.shape}, expected {tuple(shape)}"
            )
        else:
            checked[name] = np.array(value, dtype=np.float64)
    if problems:
        raise ValidationError(
            "do not match the model: " + "; ".join(problems), attr=attr, obj=obj
        )
    return checked


def npz_path(path):
    """The file that `save_parameters` writes for ``path``: ``.npz`` appended
    unless it is there (as ``np.savez`` names it), so that ``save("model")``
    and ``load("model")`` mean the same ``model.npz``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save_parameters(path, parameters, metadata):
    """Save named arrays and a JSON-serialisable ``metadata`` dict to ``path``.

    The file is a plain ``.npz`` (one array per name, and the metadata as a
    JSON string under ``"__metadata__"``); it loads without pickle. It is
    written beside ``path`` and renamed onto it (`.write_atomically`), so
    that an interrupted save leaves an earlier file whole.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file to write (``.npz`` is appended if it is not there,
        `npz_path`).
    parameters : dict of str -> array_like
        Real, finite numeric arrays by name.
    metadata : dict
        JSON-serialisable description (for example the model's structure;
        a nan, such as an accuracy not measured, is kept as JSON's NaN).
    """
    # only arrays that load_parameters accepts are written
    if not isinstance(parameters, dict):
        raise ValidationError(
            f"must be a dict of named arrays, got {type(parameters).__name__}",
            attr="parameters",
        )
    if METADATA_KEY in parameters:
        raise ValidationError(f"{METADATA_KEY!r} is a reserved name", attr="parameters")
    problems = [
        f"{name!r} {problem}"
        for name, problem in ((n, array_problem(v)) for n, v in parameters.items())
        if problem is not None
    ]
    if problems:
        raise ValidationError("; ".join(problems), attr="parameters")
    if not isinstance(metadata, dict):
        raise ValidationError(
            f"must be a dict, got {type(metadata).__name__}", attr="metadata"
        )
    try:
        text = json.dumps(metadata, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"must be JSON-serialisable ({error})",
            attr="metadata",
        ) from None
    arrays = {name: np.asarray(value) for name, value in parameters.items()}
    arrays[METADATA_KEY] = np.array(text)
    if as_path(path).is_dir() or npz_path(path).is_dir():
        raise ValidationError(f"{path} is a folder; name a file", attr="path")
    path = npz_path(path)
    # written beside it first: an interrupted save leaves an earlier file whole
    write_atomically(path, lambda partial: np.savez(partial, **arrays))


def load_parameters(path, shapes=None, metadata=None):
    """Load arrays and metadata saved by `save_parameters`, checking both.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file (if there is no file of that name, the name with
        ``.npz`` appended, as `save_parameters` writes it).
    shapes : dict of str -> tuple, optional
        If given, the file must hold exactly these names with these shapes.
    metadata : dict, optional
        If given, every key in it must be in the file's metadata with the
        same value.

    Returns
    -------
    parameters : dict of str -> ndarray
    metadata : dict
        The file's metadata.
    """
    path = as_path(path)
    path = path if path.exists() else npz_path(path)
    arrays = _read_npz(path)
    if METADATA_KEY not in arrays:
        raise ValidationError(
            f"{path} has no {METADATA_KEY!r} entry, so it was not written by "
            "nengo_lmu.save_parameters (LMUCell.save, LMUClassifier.save), or "
            f"it lost that entry; its arrays: {sorted(arrays)}",
            attr="path",
        )
    text = arrays.pop(METADATA_KEY)
    try:
        if text.dtype.kind != "U" or text.shape != ():
            raise ValueError(f"a {text.dtype} array of shape {text.shape}")
        stored = json.loads(str(text))
        if not isinstance(stored, dict):
            raise ValueError(f"a JSON {type(stored).__name__}, not an object")
    except ValueError as error:
        raise ValidationError(
            f"{path}: its {METADATA_KEY!r} entry is not the JSON description "
            f"that nengo_lmu.save_parameters writes ({error})",
            attr="path",
        ) from None
    if metadata is not None:
        differences = [
            f"{key}: file has {stored.get(key, '<missing>')!r}, expected {value!r}"
            for key, value in metadata.items()
            if stored.get(key, "<missing>") != value
        ]
        if differences:
            raise ValidationError(
                f"{path} was saved for a different model: " + "; ".join(differences),
                attr="path",
            )
    if shapes is not None:
        arrays = check_parameters(arrays, shapes, attr="path")
    return arrays, stored


def _read_npz(path):
    """Every array of an ``.npz`` file, or an error that says what is wrong."""
    if not path.exists():
        raise ValidationError(
            f"there is no file {path}; save a model with its save() method, or "
            "pass the path of one",
            attr="path",
        )
    if path.is_dir():
        raise ValidationError(f"{path} is a folder, not an .npz file", attr="path")
    with open(path, "rb") as f:
        start = f.read(4)
    # an npz file is a zip archive: local file headers, or an empty archive's end
    if start not in (b"PK\x03\x04", b"PK\x05\x06"):
        what = "empty" if not start else f"it starts with {start!r}"
        raise ValidationError(
            f"{path} is not an .npz file (a zip archive of arrays): {what}",
            attr="path",
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except ValueError as error:
        # numpy raises ValueError for object arrays when pickle is not allowed
        raise ValidationError(
            f"{path} holds something other than plain arrays ({error}); "
            "it was not written by nengo-lmu and is refused",
            attr="path",
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
        raise ValidationError(
            f"{path} is damaged (an incomplete copy or a broken download?): "
            f"{type(error).__name__}: {error}",
            attr="path",
        ) from None


# neuron types that a file may name (with their numeric parameters); others
# are stored by name only and must be given again when loading
NEURON_TYPES = (
    "Tanh",
    "Sigmoid",
    "RectifiedLinear",
    "SpikingRectifiedLinear",
    "LIFRate",
    "LIF",
)


def describe_neuron_type(neuron_type):
    """A JSON description of a neuron type: its class name and parameters.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        The type to describe.

    Returns
    -------
    dict
        ``{"type": class name, "params": {name: float}}`` for the nengo types
        that `neuron_type_from` can rebuild (``NEURON_TYPES``: the
        constructor's arguments other than ``initial_state``); for any other
        type only ``{"type": class name}``.
    """
    name = type(neuron_type).__name__
    if name not in NEURON_TYPES:
        return {"type": name}
    arguments = inspect.signature(type(neuron_type).__init__).parameters
    params = {
        p: float(getattr(neuron_type, p))
        for p in arguments
        if p not in ("self", "initial_state")
    }
    return {"type": name, "params": params}


def neuron_type_from(description):
    """The neuron type that `describe_neuron_type` described.

    Parameters
    ----------
    description : dict
        A description written by `describe_neuron_type`.

    Returns
    -------
    nengo.neurons.NeuronType
        A new instance of the nengo type with the described parameters.
    """
    if not isinstance(description, dict):
        raise ValidationError(
            "the file's neuron type is not a description of one (a dict with "
            f"'type' and 'params'), got {type(description).__name__}",
            attr="neuron_type",
        )
    name = description.get("type")
    if name not in NEURON_TYPES or not isinstance(description.get("params"), dict):
        raise ValidationError(
            f"the file's neuron type {name!r} cannot be rebuilt from its name; pass "
            "neuron_type= when loading",
            attr="neuron_type",
        )
    return getattr(nengo, name)(**description["params"])


def save_model(
    path, model, structure, parameters, info=None, neuron_type=None, simulation=None
):
    """Save a model's parameters with its class name and structure.

    The metadata (`save_parameters`) holds ``model``, ``structure``, and if
    given the description of ``neuron_type`` (`describe_neuron_type`) and
    ``info``; `load_model` reads it back.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file to write.
    model : str
        The model's class name (``"LMUCell"``, ``"LMUClassifier"``).
    structure : dict
        The constructor arguments that fix the parameters' shapes
        (JSON-serialisable).
    parameters : dict of str -> array_like
        The named arrays.
    info : dict, optional
        Anything else to store (JSON-serialisable), such as measured
        accuracies.
    neuron_type : nengo.neurons.NeuronType, optional
        The hidden neuron type, recorded so that loading rebuilds it.
    simulation : dict, optional
        How the model was simulated (the cell's ``dt`` and ``memory``),
        which the loader may check or take as defaults.
    """
    metadata = {"model": model, "structure": structure}
    if simulation is not None:
        metadata["simulation"] = simulation
    if neuron_type is not None:
        metadata["neuron_type"] = describe_neuron_type(neuron_type)
    if info is not None:
        metadata["info"] = info
    save_parameters(path, parameters, metadata)


def load_model(path, model, overrides):
    """Read a file written by `save_model` for a ``model`` class.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file.
    model : str
        The class name the file must be for.
    overrides : dict
        Constructor arguments given by the caller; those that are part of the
        stored structure must equal the stored values.

    Returns
    -------
    parameters : dict of str -> ndarray
    arguments : dict
        The stored structure updated with ``overrides``.
    simulation : dict
        The stored ``simulation`` (empty for a file written without one).
    """
    arrays, metadata = load_parameters(path)
    if metadata.get("model") != model:
        raise ValidationError(
            f"{path} holds a {metadata.get('model')!r} model, not an {model}",
            attr="path",
        )
    structure = metadata.get("structure")
    if not isinstance(structure, dict):
        raise ValidationError(
            f"{path}: its metadata has no 'structure' (the {model}'s constructor "
            f"arguments); found the keys {sorted(metadata)}",
            attr="path",
        )
    conflicts = [
        f"{key}={value!r} (file: {structure[key]!r})"
        for key, value in overrides.items()
        if key in structure and structure[key] != value
    ]
    if conflicts:
        raise ValidationError(
            f"{path} was saved for a different model: " + ", ".join(conflicts),
            attr="path",
        )
    arguments = {**structure, **overrides}
    if "neuron_type" not in overrides and "neuron_type" in metadata:
        with naming_file(path):
            arguments["neuron_type"] = neuron_type_from(metadata["neuron_type"])
    simulation = metadata.get("simulation", {})
    if not isinstance(simulation, dict):
        raise ValidationError(
            f"{path}: its metadata's 'simulation' is not a dict of dt and memory "
            f"(got {type(simulation).__name__})",
            attr="path",
        )
    return arrays, arguments, simulation
