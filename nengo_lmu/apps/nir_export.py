"""Saved classifiers written as NIR files (``nengo-lmu export-nir``).

A saved `.LMUClassifier` (a file of `.LMUClassifier.save`, or a model shipped
with the package: `nengo_lmu.apps.psmnist.PRETRAINED_NAMES`) is loaded, its
hidden neurons converted to spiking ones (`.convert_to_spiking`: NIR has no
rate neurons), and written with `nengo_lmu.nir.to_nir`. Needs the ``nir``
extra.
"""

from pathlib import Path

import nengo
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_positive, checked_synapse
from nengo_lmu.apps.psmnist.pretrained import PRETRAINED_NAMES, pretrained
from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.cell.conversion import convert_to_spiking


def export_classifier(
    model,
    path,
    rate_scale=None,
    synapse=None,
    memory_node="I",
    euler_dt=None,
    fold=False,
    overwrite=False,
):
    """Write a saved classifier, with spiking hidden neurons, as an NIR file.

    Parameters
    ----------
    model : str or path-like
        A ``.npz`` file written by `.LMUClassifier.save`, or the name of a
        shipped model (``"psmnist"``, ``"psmnist_order256"``).
    path : str or path-like
        The ``.nir`` file to write.
    rate_scale, synapse : float, optional
        The conversion's rates and readout synapse (`.convert_to_spiking`);
        by default a shipped model's own (its ``settings``), else 1000 and
        0.005 s.
    memory_node, euler_dt, fold
        As for `nengo_lmu.nir.to_nir`.
    overwrite : bool
        Replace an existing ``path``.

    Returns
    -------
    dict
        What was written: ``path``, ``nodes`` (the count of each NIR node
        type), ``rate_scale``, ``synapse``.
    """
    # pylint: disable-next=import-outside-toplevel
    from nengo_lmu.nir import to_nir, write

    if rate_scale is not None:
        check_positive(rate_scale, "rate_scale")
    checked_synapse(synapse)
    path = Path(path)
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; name the .nir file", attr="path")
    if not path.parent.is_dir():
        raise ValidationError(
            f"there is no folder {path.parent} to write {path.name} in", attr="path"
        )
    if path.exists() and not overwrite:
        raise ValidationError(f"{path} exists; pass --force to replace it", attr="path")
    # seed 0: the neurons' initial voltages, which the file records, are
    # the same on every export
    with nengo.Network(seed=0) as net:
        if str(model) in PRETRAINED_NAMES:
            classifier, info = pretrained(str(model), seed=0)
            settings = info["settings"]
        else:
            if not Path(model).is_file():
                raise ValidationError(
                    f"{model}: no such file, and not a shipped model "
                    f"({', '.join(PRETRAINED_NAMES)})",
                    attr="model",
                )
            classifier, settings = LMUClassifier.load(model, seed=0), {}
    rate_scale = (
        settings.get("rate_scale", 1000.0) if rate_scale is None else rate_scale
    )
    synapse = settings.get("synapse", 0.005) if synapse is None else synapse
    if not classifier.cell.hidden.neuron_type.spiking:
        convert_to_spiking(net, rate_scale=rate_scale, synapse=synapse)
    graph = to_nir(classifier, memory_node=memory_node, euler_dt=euler_dt, fold=fold)
    write(path, graph)
    counts = {}
    for node in graph.nodes.values():
        counts[type(node).__name__] = counts.get(type(node).__name__, 0) + 1
    return {
        "path": str(path),
        "nodes": counts,
        "rate_scale": rate_scale,
        "synapse": synapse,
    }
