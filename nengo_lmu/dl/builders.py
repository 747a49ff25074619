"""NengoDL builders: the Legendre memory operator, and a faster dense product.

`SimLegendreMemoryBuilder` builds the memory's operator; the memory's nengo
builder registers it when NengoDL is in use
(`nengo_lmu.memory.register_nengo_dl_builder`), so that the core package
never needs TensorFlow.

`MatMulDotIncBuilder` computes NengoDL's dense products faster when a group
holds one weight matrix (see its docstring). It replaces NengoDL's builder
for ``DotInc`` and ``DotSet``, operators of every model, so nothing installs
it unasked: simulators built inside `fast_dot_products` use it.
"""

import contextlib

import numpy as np
import tensorflow as tf
from nengo.builder.operator import DotInc
from nengo_dl.builder import Builder, OpBuilder
from nengo_dl.op_builders import DotIncBuilder, DotSet


class MatMulDotIncBuilder(DotIncBuilder):
    """NengoDL's ``DotInc`` builder, with one 2-D product for a lone matrix.

    NengoDL computes a group of connection weights :math:`A` (not batched)
    times batched inputs :math:`X` as a batched product between two
    transpositions, ``(n_ops, a0, a1) x (n_ops, a1, batch)``. For a group of
    one operator, the case of every kernel of an `.LMUCell`, this builder
    computes :math:`X A^T` as one 2-D ``(batch, a1) x (a1, a0)`` product
    instead. The result is the same; the transpositions, and the batched
    products of the gradient, which TensorFlow runs slowly on a CPU, are
    gone (:doc:`/measurements`). Other groups are built
    by NengoDL's code. Opt in with `fast_dot_products`.
    """

    def build_step(self, signals):
        """One step of the group's products.

        Parameters
        ----------
        signals : nengo_dl.signals.SignalDict
            NengoDL's signals.
        """
        if len(self.ops) != 1 or self.A_data.minibatched or not self.X_data.minibatched:
            super().build_step(signals)
            return
        A = signals.gather(self.A_data)[0]  # (a0, a1)
        X = signals.gather(self.X_data)[:, 0]  # (batch, a1)
        dot = tf.matmul(X, A, transpose_b=True)[:, None, :]  # (batch, 1, a0)
        signals.scatter(self.Y_data, dot, mode=self.mode)


def _install_dot_builder(builder):
    # direct assignment: Builder.register warns when it replaces a builder
    for op in (DotInc, DotSet):
        Builder.builders[op] = builder


@contextlib.contextmanager
def fast_dot_products():
    """Build the NengoDL simulators created inside with `MatMulDotIncBuilder`.

    NengoDL chooses an operator's builder when a simulator is constructed,
    so a simulator created inside the ``with`` block keeps the faster
    products for its whole life (training, prediction, resets); builders
    are NengoDL's own again on leaving the block, for every other model::

        with nengo_lmu.dl.fast_dot_products():
            sim = nengo_dl.Simulator(net)

    Yields
    ------
    None
    """
    previous = [Builder.builders[op] for op in (DotInc, DotSet)]
    _install_dot_builder(MatMulDotIncBuilder)
    try:
        yield
    finally:
        for op, builder in zip((DotInc, DotSet), previous):
            Builder.builders[op] = builder


def restore_dot_builder():
    """Give ``DotInc`` and ``DotSet`` back to NengoDL's own builder (`DotIncBuilder`).

    Nothing in nengo-lmu installs `MatMulDotIncBuilder` outside
    `fast_dot_products`; this undoes an installation made by other means.

    Returns
    -------
    None
    """
    _install_dot_builder(DotIncBuilder)


class SimLegendreMemoryBuilder(OpBuilder):
    """Build a group of `.SimLegendreMemory` operators as one TensorFlow op.

    Registered for the operator by `nengo_lmu.memory.register_nengo_dl_builder`
    (this module reads the operator's attributes and does not import it).

    All merged memories have the same order ``q``; their ``D`` input
    dimensions (summed over the group) are advanced together. With
    ``M`` the memories as a ``(minibatch, D, q)`` tensor and ``u`` the inputs
    as ``(minibatch, D)``:

    .. math::

        M \\leftarrow M A_d^T + u \\, B_d^T,

    a single matrix product when every memory in the group shares ``(Ad, Bd)``
    (the same ``theta`` and discretiser), and otherwise one batched product
    with each dimension's own matrices (``einsum`` over ``D``). The product is
    differentiable, so gradients flow through the memory to whatever feeds it.
    """

    def build_pre(self, signals, config):
        """Gather the signals and make the constant matrices, once.

        Parameters
        ----------
        signals : nengo_dl.signals.SignalDict
            NengoDL's signals.
        config : nengo_dl.builder.BuildConfig
            The build's configuration.
        """
        super().build_pre(signals, config)
        self.order = self.ops[0].order
        self.size_in = sum(op.size_in for op in self.ops)

        self.input_data = signals.combine([op.input for op in self.ops])
        self.output_data = signals.combine([op.output for op in self.ops])
        self.state_data = signals.combine([op.state for op in self.ops])

        systems = {}  # one discretisation per distinct (theta, discretizer, dt)
        for op in self.ops:
            key = (op.process.theta, op.process.discretizer, op.dt)
            if key not in systems:
                systems[key] = op.discrete_system()
        self.shared = len(systems) == 1
        if self.shared:
            ((Ad, Bd),) = systems.values()
            self.AdT = tf.constant(Ad.T, dtype=signals.dtype)
            self.BdT = tf.constant(Bd.T, dtype=signals.dtype)  # (1, q)
        else:
            # one (q, q) and (q,) per input dimension, in the order of `combine`
            per_op = [
                systems[op.process.theta, op.process.discretizer, op.dt]
                for op in self.ops
            ]
            self.AdT = tf.constant(
                np.concatenate(
                    [
                        np.repeat(Ad.T[None], op.size_in, axis=0)
                        for op, (Ad, _) in zip(self.ops, per_op)
                    ]
                ),
                dtype=signals.dtype,
            )
            self.BdT = tf.constant(
                np.concatenate(
                    [
                        np.repeat(Bd.T, op.size_in, axis=0)
                        for op, (_, Bd) in zip(self.ops, per_op)
                    ]
                ),
                dtype=signals.dtype,
            )  # (D, q)

    def build_step(self, signals):
        """One step of every memory in the group, as TensorFlow operations.

        Reads the inputs and the ``[M, u]`` states, computes :math:`M A_d^T +
        u B_d^T`, and writes the new state and the output.

        Parameters
        ----------
        signals : nengo_dl.signals.SignalDict
            NengoDL's signals.
        """
        batch, dims, order = signals.minibatch_size, self.size_in, self.order
        u = signals.gather(self.input_data)
        # the state holds [M, u] per input dimension (see SimLegendreMemory)
        state = tf.reshape(signals.gather(self.state_data), (batch, dims, order + 1))
        m = state[:, :, :order]
        if self.shared:
            # minibatch and input dimensions together as rows of one 2-D
            # product, which TensorFlow runs faster than a broadcast batched
            # product (docs/measurements.rst)
            rows = batch * dims
            m = tf.matmul(tf.reshape(m, (rows, order)), self.AdT)
            m = tf.reshape(
                m + tf.reshape(u, (rows, 1)) * self.BdT, (batch, dims, order)
            )
        else:
            m = tf.einsum("bdj,dji->bdi", m, self.AdT) + u[:, :, None] * self.BdT
        state = tf.concat([m, u[:, :, None]], axis=2)
        signals.scatter(self.state_data, tf.reshape(state, (batch, dims * (order + 1))))
        signals.scatter(self.output_data, tf.reshape(m, (batch, dims * order)))

    @staticmethod
    def mergeable(x, y):
        """Whether two operators can be built as one: memories of one order
        share the ``(minibatch, D, q)`` layout.

        Parameters
        ----------
        x, y : SimLegendreMemory
            The operators.

        Returns
        -------
        bool
            True if they have the same ``order``.
        """
        return x.order == y.order
