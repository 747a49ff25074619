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
from nengo.params import IntParam
from nengo.processes import Process


class Identity(Process):
    """Output equals input, at the same step.

    Parameters
    ----------
    size : int
        Number of dimensions in and out.
    """

    size = IntParam("size", low=1, readonly=True)

    def __init__(self, size, **kwargs):
        self.size = size
        super().__init__(default_size_in=size, default_size_out=size, **kwargs)

    def make_step(self, shape_in, shape_out, dt, rng, state):
        # only used by simulators that run processes directly
        return lambda t, x: x


@Builder.register(Identity)
def build_identity(model, process, sig_in=None, sig_out=None, mode="set"):
    """One `Copy` operator from the Node's input to its output."""
    model.add_op(Copy(sig_in, sig_out, inc=(mode == "inc"), tag=str(process)))
    return sig_out


def identity_node(size, label=None):
    """A Node of ``size`` dimensions that passes its input through, in every simulator."""
    return nengo.Node(Identity(size), label=label)
