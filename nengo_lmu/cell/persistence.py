"""Saving and loading the cell's networks as npz files (never pickled).

Besides the weights and the structure that fixes their shapes, a file
records how the network was simulated: its time step and its memory. The
trained ``theta_inv`` of a ``trainable_theta`` cell is one over the window
*in steps*, and the trained A and B of a ``trainable_memory`` cell are the
discrete system *of one step*; loading either at another ``dt`` would
change the memory without a word (a window saved as 0.5 s at 2 ms steps
reads 0.25 s at 1 ms), so it is refused.
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_positive
from nengo_lmu.io.damage import naming_file
from nengo_lmu.io.npz import check_parameters, load_model, save_model

# the memories that a file records and `SavedNetwork.load` rebuilds by
# default; a "neurons" memory's arguments (``memory_kwargs``) are not saved,
# so its file loads with the exact memory unless they are given again
REBUILT_MEMORIES = ("process", "connections")


class SavedNetwork:
    """``save`` and ``load`` for a network with weights and a structure.

    The network class provides ``structure`` (the JSON-serialisable
    constructor arguments that fix the weights' shapes), ``get_weights(sim)``,
    ``neuron_type`` (the hidden neurons'), and ``dt`` and ``memory_type``
    (its own, or its ``cell``'s); the file records the class's name, and
    `load` refuses a file written for another class.
    """

    def save(self, path, sim=None, weights=None, info=None):
        """Save the weights and ``structure`` to an npz file.

        The file holds plain arrays and JSON text, no pickled objects, and
        records the hidden neuron type (`.io.npz.save_model`), the time step
        and the memory.

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file to write (``.npz`` is appended if the name
            lacks it; `load` finds it under either name).
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Save the weights live in this simulator (``get_weights``);
            without it, the values the network was built with.
        weights : dict, optional
            The weights to save instead (the names of ``get_weights``),
            checked as the constructor checks them.
        info : dict, optional
            Anything JSON-serialisable to store with them (how the model was
            trained, its accuracy, ...).
        """
        if weights is None:
            weights = self.get_weights(sim)
        else:
            # checked as the constructor checks them, saved as given (the
            # psMNIST pipeline saves float32 weights, half the size)
            shapes = {name: np.shape(w) for name, w in self.get_weights().items()}
            check_parameters(weights, shapes, attr="weights", obj=self)
            weights = {name: np.asarray(weights[name]) for name in shapes}
        cell = getattr(self, "cell", self)
        save_model(
            path,
            type(self).__name__,
            self.structure,
            weights,
            info,
            neuron_type=self.neuron_type,
            simulation={"dt": cell.dt, "memory": cell.memory_type},
        )

    @classmethod
    def load(cls, path, **kwargs):
        """A network built from a file written by `save`.

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file.
        **kwargs
            Further constructor arguments (``neuron_type``, ``memory``,
            ``dt``, ``parallel``, ``label``, ...). Structural options
            (``structure``) may be given only with the value in the file.
            ``dt`` defaults to the saved one, and may differ from it only
            if no weight depends on it (not with ``trainable_theta`` or
            ``trainable_memory``). ``memory`` defaults to the saved one
            (``"neurons"`` if ``memory_kwargs`` are given; ``"connections"``
            for an older file with ``trainable_memory`` or
            ``trainable_theta``); a file saved with ``memory="neurons"``
            loads with the exact ``"process"`` memory unless
            ``memory_kwargs`` are given again. A file written before
            nengo-lmu saved the time step (no ``simulation`` entry) loads at
            the given ``dt``, or 0.001 s, unchecked.

        Returns
        -------
        SavedNetwork
            A new network of this class (added to the current network, as
            any network is) with the file's structure and weights.
        """
        arrays, arguments, simulation = load_model(path, cls.__name__, kwargs)
        with naming_file(path, given=kwargs):
            _apply_saved_simulation(path, arguments, simulation, kwargs)
            return cls(**arguments, weights=arrays)


def _apply_saved_simulation(path, arguments, simulation, given):
    """Fill in the saved ``dt`` and ``memory``, refusing a ``dt`` that would
    change a trained memory."""
    trained_memory = arguments.get("trainable_memory") or arguments.get(
        "trainable_theta"
    )
    saved_dt = simulation.get("dt")
    if saved_dt is not None:
        dt = check_positive(arguments.setdefault("dt", saved_dt), "dt")
        # a step given in float32 differs from the saved float by ~6e-8
        if trained_memory and abs(dt - saved_dt) > 1e-6 * saved_dt:
            raise ValidationError(
                f"{path} was saved at dt={saved_dt}, and its trained memory "
                "(theta_inv, or A and B) is per step of that length; load it with "
                f"dt={saved_dt} (got dt={arguments['dt']})",
                attr="dt",
            )
    saved_memory = simulation.get("memory")
    if "memory" not in given:
        if given.get("memory_kwargs") is not None:
            arguments["memory"] = "neurons"  # the only memory that takes them
        elif saved_memory in REBUILT_MEMORIES:
            arguments["memory"] = saved_memory
        elif trained_memory:
            # trained A and B, or theta_inv, live in the connection memory
            arguments["memory"] = "connections"
