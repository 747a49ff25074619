"""Which parts of a network NengoDL may train.

NengoDL trains every encoder, bias and connection weight unless told
otherwise, through the ``trainable`` configuration of the network that
holds them. Without NengoDL nothing trains, and there is nothing to mark.
"""

import nengo


def freeze(network, obj):
    """Mark ``obj`` (and, for a network, everything in it) non-trainable.

    The marks live in ``network``'s config, which NengoDL reads when it
    builds any network containing ``network``.

    Parameters
    ----------
    network : nengo.Network
        The network whose config holds the marks (``obj`` is inside it).
    obj : nengo.Connection, nengo.Ensemble, nengo.ensemble.Neurons or nengo.Network
        What not to train.
    """
    try:
        import nengo_dl  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    if not hasattr(network.config[nengo.Connection], "trainable"):
        # (configuring again would reset the marks made so far)
        with network:
            nengo_dl.configure_settings(trainable=None)
    if isinstance(obj, nengo.Network):
        objs = obj.all_connections + obj.all_ensembles
        objs += [ens.neurons for ens in obj.all_ensembles]
    else:
        objs = [obj]
    for o in objs:
        network.config[o].trainable = False
