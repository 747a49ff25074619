"""A pass-through Node that every simulator keeps.

NengoLoihi removes passthrough Nodes (``output=None``) from the model, and a
probe on a removed Node reads zeros without an error. A Node whose output is
the `Identity` process is not a passthrough Node, so NengoLoihi keeps it (on
the host), while nengo and NengoDL build it as a plain `Copy` operator: no
Python call per step, and differentiable in NengoDL.
"""

import nengo
from nengo.builder import Builder
from nengo.builder.operator import Copy
from nengo.processes import Process

from nengo_lmu.arguments import CountParam


class Identity(Process):
    """Output equals input, at the same step.

    Parameters
    ----------
    size : int
        Number of dimensions in and out.
    **kwargs
        Passed to `nengo.Process` (``seed``).
    """

    size = CountParam("size", low=1, readonly=True)

    def __init__(self, size, **kwargs):
        self.size = size
        super().__init__(default_size_in=size, default_size_out=size, **kwargs)

    def make_step(self, shape_in, shape_out, dt, rng, state):
        """The step function, for simulators that run processes directly.

        Parameters
        ----------
        shape_in, shape_out : tuple of int
            ``(size,)`` each.
        dt : float
            The time step in seconds (unused).
        rng : numpy.random.RandomState
            Unused.
        state : dict
            Unused (the process has no state).

        Returns
        -------
        callable
            ``step(t, x)``, returning ``x``.
        """
        return lambda t, x: x


@Builder.register(Identity)
def build_identity(model, process, sig_in=None, sig_out=None, mode="set"):
    """One `Copy` operator from the Node's input to its output.

    The builder of `Identity`, registered with nengo's `Builder` (which
    NengoDL uses too, running the `Copy` as a TensorFlow operation).

    Parameters
    ----------
    model : nengo.builder.Model
        The model being built.
    process : Identity
        The process.
    sig_in, sig_out : nengo.builder.Signal
        The Node's input and output signals.
    mode : {"set", "inc"}
        Whether the output is set to the input or incremented by it.

    Returns
    -------
    nengo.builder.Signal
        ``sig_out``.
    """
    model.add_op(Copy(sig_in, sig_out, inc=(mode == "inc"), tag=str(process)))
    return sig_out


def identity_node(size, label=None):
    """A Node of ``size`` dimensions that passes its input through, in every simulator.

    Parameters
    ----------
    size : int
        Number of dimensions in and out.
    label : str, optional
        The Node's label.

    Returns
    -------
    nengo.Node
        A Node whose output is the `Identity` process.
    """
    return nengo.Node(Identity(size), label=label)
