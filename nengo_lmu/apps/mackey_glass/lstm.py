"""LSTM layers inside Nengo, for the paper's LSTM and hybrid baselines.

An LSTM has no Nengo form: its gates multiply. `lstm_layer` runs Keras'
``LSTMCell`` in a NengoDL ``TensorNode``, one step a time step, its state
:math:`(h, c)` fed back to its own input through a one-step delay (a
``synapse=0`` connection), so that step :math:`t` computes

.. math:: (h_t, c_t) = \\mathrm{LSTMCell}(x_t, (h_{t - 1}, c_{t - 1})),

from a zero state, as ``tf.keras.layers.LSTM`` does; NengoDL trains the
cell's weights with the rest of a network. Such a layer runs in NengoDL
only (nengo core does not run TensorNodes). TensorFlow and NengoDL are
imported when a layer is made.
"""

import functools

import nengo
import numpy as np


@functools.lru_cache(maxsize=None)
def _step_class():
    """The Keras layer of one LSTM step (defined once TensorFlow is imported)."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    class LSTMStep(tf.keras.layers.Layer):
        """``[x, h, c] -> [h', c']``: one step of ``LSTMCell``."""

        def __init__(self, n_in, units, seed, **kwargs):
            super().__init__(**kwargs)
            self.n_in, self.units = n_in, units
            init = tf.keras.initializers
            self.cell = tf.keras.layers.LSTMCell(
                units,
                kernel_initializer=init.GlorotUniform(seed=seed),
                recurrent_initializer=init.Orthogonal(seed=seed + 1),
            )

        def call(self, inputs):
            x, h, c = tf.split(inputs, [self.n_in, self.units, self.units], axis=-1)
            _, (h, c) = self.cell(x, [h, c])
            return tf.concat([h, c], axis=-1)

    return LSTMStep


def lstm_layer(n_in, units, seed=0, label=None):
    """An LSTM layer of ``units`` in a NengoDL TensorNode (see the module).

    Parameters
    ----------
    n_in : int
        Input dimensions.
    units : int
        LSTM units.
    seed : int
        Seed of the cell's initialisers (Keras' defaults: Glorot-uniform
        kernel, orthogonal recurrent kernel, zero bias with the forget
        gate's at 1).
    label : str, optional
        The network's label.

    Returns
    -------
    nengo.Network
        With ``input`` (``n_in``), ``output`` (``units``: :math:`h_t`),
        ``step`` (the TensorNode) and ``keras_layer`` (its ``LSTMStep``,
        whose ``cell`` holds the weights).
    """
    import nengo_dl  # pylint: disable=import-outside-toplevel

    layer = _step_class()(n_in, units, seed)
    with nengo.Network(label=label or f"LSTM({units})") as net:
        net.input = nengo.Node(size_in=n_in, label="input")
        net.step = nengo_dl.TensorNode(
            layer,
            shape_in=(n_in + 2 * units,),
            shape_out=(2 * units,),
            pass_time=False,
            label="step",
        )
        nengo.Connection(net.input, net.step[:n_in], synapse=None)
        # the state (h, c), back to the step's input one step later
        nengo.Connection(net.step, net.step[n_in:], synapse=0)
        net.output = nengo.Node(size_in=units, label="output")
        nengo.Connection(net.step[:units], net.output, synapse=None)
        net.keras_layer = layer
    return net


def tanh_readout(pre, size_in, kernel):
    """Keras' ``Dense(1, activation="tanh")`` from ``pre``, in Nengo.

    One ``Tanh(tau_ref=1)`` neuron (output :math:`\\tanh(J)`) with gain 1:
    the connection's transform is the kernel, the neuron's bias the Dense
    bias (zero at first); NengoDL trains both.

    Parameters
    ----------
    pre : nengo.Node or nengo.base.ObjView
        What the readout reads (``size_in`` dimensions).
    size_in : int
        Its dimensions.
    kernel : (1, size_in) array_like
        The initial kernel.

    Returns
    -------
    nengo.ensemble.Neurons
        The neuron, whose output is the readout.
    """
    ens = nengo.Ensemble(
        1,
        1,
        neuron_type=nengo.Tanh(tau_ref=1.0),
        gain=np.ones(1),
        bias=np.zeros(1),
        label="tanh readout",
    )
    nengo.Connection(
        pre,
        ens.neurons,
        transform=np.asarray(kernel, dtype=np.float64).reshape(1, size_in),
        synapse=None,
    )
    return ens.neurons
