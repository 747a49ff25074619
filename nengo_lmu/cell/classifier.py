"""An LMU sequence classifier: an `.LMUCell` followed by a linear readout.

The model of the LMU paper's psMNIST experiment and of KerasLMU's examples:
the cell reads the sequence one element per step and the class scores
(logits) are a linear readout of the hidden state, :math:`y_t = W_o h_t +
b_o`, read at the last step.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import CountParam, check_fraction, checked_synapse
from nengo_lmu.cell.cell import LMUCell
from nengo_lmu.cell.weights import glorot_uniform, read_transform, weight_seed
from nengo_lmu.cell.persistence import SavedNetwork
from nengo_lmu.io.npz import check_parameters
from nengo_lmu.neurons.simulator_check import (
    built_by_nengo_loihi,
    checked_node,
    chip_neuron_problem,
)

# arguments of nengo.Network; all other keyword arguments go to the cell
NETWORK_ARGS = ("label", "seed", "add_to_container")
READOUT_NAMES = ("readout_kernel", "readout_bias")


class LMUClassifier(SavedNetwork, nengo.Network):
    """``input`` -> `.LMUCell` -> ``output`` (class scores).

    Parameters
    ----------
    n_classes : int
        Size of ``output``.
    units, order, theta, input_d
        The cell's (see `.LMUCell`).
    weights : dict, optional
        The cell's weights (`.LMUCell.weight_shapes`) plus ``readout_kernel``
        ``(n_classes, units)`` and ``readout_bias`` ``(n_classes,)``. By
        default: the cell's initialisers, a ``glorot_uniform`` readout
        kernel and a zero bias (as Keras' ``Dense``).
    readout_synapse : nengo.synapses.Synapse, optional
        The readout's synapse (none by default; `.convert_to_spiking` gives
        it one).
    dropout : float
        Dropout on the hidden state in NengoDL training (the fraction of
        hidden units zeroed at each training step; none in inference). Needs
        NengoDL: a ``nengo_dl.Layer`` sits between the cell and the readout.
        Build the network without it to run in other simulators; the weights
        are the same.
    **kwargs
        ``label``, ``seed`` and ``add_to_container`` go to `nengo.Network`,
        everything else to `.LMUCell` (``hidden_to_memory``,
        ``neuron_type``, ``parallel``, ...).

    Attributes
    ----------
    input : nengo.Node
        The cell's input.
    cell : LMUCell
    output : nengo.Node
        The class scores (logits), size ``n_classes``.
    """

    n_classes = CountParam("n_classes", low=1, readonly=True)

    def __init__(
        self,
        n_classes,
        units,
        order,
        theta,
        input_d=1,
        weights=None,
        readout_synapse=None,
        dropout=0.0,
        **kwargs,
    ):
        dropout = check_fraction(dropout, "dropout")
        readout_synapse = checked_synapse(readout_synapse, "readout_synapse")
        network_kwargs = {k: kwargs.pop(k) for k in NETWORK_ARGS if k in kwargs}
        super().__init__(**network_kwargs)
        self.n_classes = n_classes
        cell_weights = None
        if weights is not None:
            weights = dict(weights)
            readout = {name: weights.pop(name, None) for name in READOUT_NAMES}
            cell_weights = weights
        with self:
            self.cell = LMUCell(
                units, order, theta, input_d, weights=cell_weights, **kwargs
            )
            if weights is None:
                rng = np.random.RandomState(weight_seed(self.cell))
                readout = {
                    "readout_kernel": glorot_uniform(rng, (n_classes, units)),
                    "readout_bias": np.zeros(n_classes),
                }
            readout = check_parameters(
                readout, self.readout_shapes(), attr="weights", obj=self
            )
            self.input = self.cell.input
            self.output = checked_node(n_classes, self._check_simulator, label="output")
            hidden = self.cell.output
            if dropout > 0:
                hidden = self._dropout(hidden, dropout)
            self.readout = nengo.Connection(
                hidden,
                self.output,
                transform=readout["readout_kernel"],
                synapse=readout_synapse,
            )
            self.bias_node = nengo.Node(np.ones(1), label="readout_bias")
            self.readout_bias = nengo.Connection(
                self.bias_node,
                self.output,
                transform=readout["readout_bias"][:, None],
                synapse=readout_synapse,
            )

    def _check_simulator(self, model):
        """On NengoLoihi, refuse hidden neurons that have no chip form.

        Called when ``output`` is built, before the cell
        (`nengo_lmu.neurons.simulator_check`), so that the error names the
        classifier and the way to a chip model.
        """
        if built_by_nengo_loihi(model):
            problem = chip_neuron_problem(self.cell.hidden.neuron_type)
            if problem:
                raise ValidationError(
                    f"the cell's hidden neurons cannot run on NengoLoihi: {problem}",
                    attr="neuron_type",
                    obj=self,
                )

    @staticmethod
    def _dropout(hidden, rate):
        try:
            import nengo_dl
            import tensorflow as tf
        except ImportError:
            raise ValidationError(
                "dropout needs NengoDL (pip install nengo-lmu[dl])", attr="dropout"
            ) from None
        node = nengo_dl.TensorNode(
            tf.keras.layers.Dropout(rate),
            shape_in=(hidden.size_out,),
            pass_time=False,
            label="dropout",
        )
        # no transform: the connection into the layer has nothing to train
        nengo.Connection(hidden, node, transform=None, synapse=None)
        return node

    def readout_shapes(self):
        """The name and shape (Nengo's ``(post, pre)``) of the readout's weights.

        Returns
        -------
        dict of str to tuple of int
            ``readout_kernel`` :math:`W_o`, ``(n_classes, units)``, and
            ``readout_bias`` :math:`b_o`, ``(n_classes,)``.
        """
        return {
            "readout_kernel": (self.n_classes, self.cell.units),
            "readout_bias": (self.n_classes,),
        }

    def get_weights(self, sim=None):
        """The cell's and the readout's weights by name.

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Read the live values from this simulator (after NengoDL training,
            the trained ones); without it, the values the network was built
            with (see `.LMUCell.get_weights`).

        Returns
        -------
        dict of str to ndarray
            The cell's weights (`.LMUCell.weight_shapes`) and the readout's
            (`readout_shapes`), float64.
        """
        weights = self.cell.get_weights(sim)
        for name, conn in (
            ("readout_kernel", self.readout),
            ("readout_bias", self.readout_bias),
        ):
            w = read_transform(sim, conn)
            weights[name] = w.reshape(self.readout_shapes()[name])
        return weights

    @property
    def structure(self):
        """The options that fix the weights: ``n_classes`` and the cell's
        `.LMUCell.structure` (JSON-serialisable)."""
        return {"n_classes": self.n_classes, **self.cell.structure}

    @property
    def neuron_type(self):
        """The cell's hidden neuron type (recorded by `save`)."""
        return self.cell.neuron_type
