"""Saving and loading the cell's networks as npz files (never pickled)."""

from nengo_lmu.io.npz import load_model, save_model


class SavedNetwork:
    """``save`` and ``load`` for a network with weights and a structure.

    The network class provides ``structure`` (the JSON-serialisable
    constructor arguments that fix the weights' shapes), ``get_weights(sim)``
    and ``neuron_type`` (the hidden neurons'); the file records the class's
    name, and `load` refuses a file written for another class.
    """

    def save(self, path, sim=None, weights=None, info=None):
        """Save the weights and ``structure`` to an npz file.

        The file holds plain arrays and JSON text, no pickled objects, and
        records the hidden neuron type (`.io.npz.save_model`).

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file to write.
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Save the weights live in this simulator (``get_weights``);
            without it, the values the network was built with.
        weights : dict, optional
            The weights to save instead (the names of ``get_weights``).
        info : dict, optional
            Anything JSON-serialisable to store with them (how the model was
            trained, its accuracy, ...).
        """
        weights = self.get_weights(sim) if weights is None else weights
        save_model(
            path,
            type(self).__name__,
            self.structure,
            weights,
            info,
            neuron_type=self.neuron_type,
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
            ``memory`` defaults to ``"connections"`` for a file with
            ``trainable_memory`` or ``trainable_theta``.

        Returns
        -------
        SavedNetwork
            A new network of this class (added to the current network, as
            any network is) with the file's structure and weights.
        """
        arrays, arguments = load_model(path, cls.__name__, kwargs)
        if arguments.get("trainable_memory") or arguments.get("trainable_theta"):
            # trained A and B, or theta_inv, live in the connection memory
            arguments.setdefault("memory", "connections")
        return cls(**arguments, weights=arrays)
