"""The psMNIST models shipped with the package."""

from pathlib import Path

from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.io.npz import load_parameters

PRETRAINED = Path(__file__).parent / "models" / "psmnist.npz"
PRETRAINED_NAMES = ("psmnist", "psmnist_order256")


def pretrained(name="psmnist", **kwargs):
    """A psMNIST classifier shipped with the package, and what was measured
    with it.

    Parameters
    ----------
    name : {"psmnist", "psmnist_order256"}
        ``"psmnist"`` (order 512, trained by ``benchmarks/psmnist.py``): the
        most accurate with rate neurons and with a spiking hidden state.
        ``"psmnist_order256"`` (order 256, 30 epochs): the one whose memory
        also runs in spiking neurons accurately (the spike noise that the
        memory's recurrence passes on grows with the order;
        ``benchmarks/spiking_memory_psmnist.py``).
    **kwargs
        Further `.LMUClassifier` arguments (``neuron_type``, ``label``, ...).

    Returns
    -------
    model : LMUClassifier
        Feed it the pixels in the LMU paper's order
        (`.datasets.psmnist`), each held for ``settings["steps_per_pixel"]``
        steps of ``settings["dt"]``, and read ``output`` after the last.
    info : dict
        ``settings`` (how it was trained), ``results`` (accuracies, and on
        how many test images) and ``timings``.
    """
    path = PRETRAINED.with_name(f"{name}.npz")
    if name not in PRETRAINED_NAMES:
        raise ValueError(f"name={name!r}: the package ships {list(PRETRAINED_NAMES)}")
    _, metadata = load_parameters(path)
    return LMUClassifier.load(path, **kwargs), metadata["info"]
