"""Refusing a network, when it is built, on a simulator it was not laid out for.

A `.LegendreMemoryNetwork` is laid out when it is constructed, for one
family of simulators: nengo and NengoDL (``target=None``), or NengoLoihi
(``target="loihi"``), whose decoded connections pass through decode neurons
with their own filter. Neither layout computes the memory on the other
family, and the nengo layout usually fails deep inside NengoLoihi's builder
("Could not find appropriate weight exponent"). The network cannot know at
construction which simulator will build it; its builder can.

Every layout's ``output`` is therefore a `checked_node`: a pass-through
Node whose process (`CheckedIdentity`) calls its owner's check when it is
built. nengo and NengoDL build it with nengo's builder, NengoLoihi with
nengo's builder too, as one of its host objects; all three build a
network's Nodes before its sub-networks and connections, so the check runs
before anything that the wrong simulator would fail on, and its error
names the network and the argument to change. `chip_neuron_problem` says
why a neuron type cannot run on a chip, for the checks of networks that
NengoLoihi builds.
"""

import nengo
from nengo.builder import Builder

from nengo_lmu.neurons.identity import Identity, build_identity


def built_by_nengo_loihi(model):
    """Whether ``model`` is one of the host models of a NengoLoihi build.

    NengoLoihi builds each of its host objects on its own, into a
    ``nengo.builder.Model`` that has no toplevel network (the ``host`` and
    ``host_pre`` models of ``nengo_loihi.builder.Model``). nengo and NengoDL
    build a Node only inside the build of its network, after the toplevel
    network is set.

    Parameters
    ----------
    model : nengo.builder.Model
        The model a Node is being built into.

    Returns
    -------
    bool
    """
    return model.toplevel is None


class CheckedIdentity(Identity):
    """An `.Identity` whose builder first asks its owner whether the simulator suits it.

    Parameters
    ----------
    size : int
        Number of dimensions in and out.
    check : callable
        ``check(model)``, called with the ``nengo.builder.Model`` that the
        Node is being built into; raises if the owner cannot run there.
    **kwargs
        Passed to `.Identity`.
    """

    def __init__(self, size, check, **kwargs):
        super().__init__(size, **kwargs)
        self.check = check


@Builder.register(CheckedIdentity)
def build_checked_identity(model, process, sig_in=None, sig_out=None, mode="set"):
    """Run the owner's check on ``model``, then build the `.Identity` as
    `.build_identity` does.

    Parameters
    ----------
    model : nengo.builder.Model
        What the Node is built into: nengo's or NengoDL's model, or a host
        model of NengoLoihi's; ``process.check`` is called with it.
    process : CheckedIdentity
        The Node's output.
    sig_in, sig_out, mode
        As for `.build_identity`.

    Returns
    -------
    nengo.builder.Signal
        ``sig_out``.
    """
    process.check(model)
    return build_identity(model, process, sig_in, sig_out, mode)


def checked_node(size, check, label=None):
    """A pass-through Node of ``size`` dimensions whose build calls ``check(model)``.

    Parameters
    ----------
    size : int
        Number of dimensions in and out.
    check : callable
        See `CheckedIdentity`.
    label : str, optional
        The Node's label.

    Returns
    -------
    nengo.Node
    """
    return nengo.Node(CheckedIdentity(size, check), label=label)


def chip_neuron_problem(neuron_type):
    """Why NengoLoihi cannot run ``neuron_type`` on the chip, or None if it can.

    Asks NengoLoihi's builder, which has a build function for each chip
    neuron type (and a generic one, for ``NeuronType``, that refuses the
    rest); ``RegularSpiking`` runs only around ``LIFRate`` and
    ``RectifiedLinear``. Needs NengoLoihi.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType

    Returns
    -------
    str or None
    """
    from nengo_loihi.builder import Builder  # pylint: disable=import-outside-toplevel

    name = type(neuron_type).__name__
    if isinstance(neuron_type, nengo.Direct):
        return (
            "Direct-mode ensembles run on the host, not on a chip; use nengo.LIF "
            "or nengo.SpikingRectifiedLinear neurons"
        )
    if isinstance(neuron_type, nengo.RegularSpiking):
        if type(neuron_type.base_type) in (nengo.LIFRate, nengo.RectifiedLinear):
            return None
        name = f"RegularSpiking({type(neuron_type.base_type).__name__})"
    else:
        registered = next(c for c in type(neuron_type).__mro__ if c in Builder.builders)
        if registered is not nengo.neurons.NeuronType:
            return None
    return (
        f"{name} neurons have no chip form; use nengo.LIF, "
        "nengo.SpikingRectifiedLinear or RegularSpiking(LIFRate or RectifiedLinear) "
        "(a trained rate network: nengo_lmu.convert_to_spiking)"
    )
