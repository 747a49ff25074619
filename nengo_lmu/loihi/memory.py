"""The Legendre memory laid out for NengoLoihi's signal paths.

`LoihiLegendreMemoryNetwork` is the `.LegendreMemoryNetwork` (same
arguments, discrete system and coefficient scaling) mapped onto the paths
that NengoLoihi's decoded connections take (`LoihiPath`): each input
dimension has one ``order``-dimensional ensemble with one recurrent
connection, whose synapse is the lowpass followed by the decode neurons'
filter.
"""

import nengo
import numpy as np
import scipy.signal
from nengo.exceptions import ValidationError

from nengo_lmu.legendre import impulse_response
from nengo_lmu.loihi.paths import LoihiPath, model_settings
from nengo_lmu.neurons.identity import identity_node
from nengo_lmu.neurons.network import TARGET_LAYOUTS, LegendreMemoryNetwork
from nengo_lmu.neurons.scaling import with_axis_encoders
from nengo_lmu.neurons.simulator_check import (
    built_by_nengo_loihi,
    checked_node,
    chip_neuron_problem,
)
from nengo_lmu.neurons.synapse_mapping import map_discrete_synapse, node_filter


def _cascade(first, second):
    """Two discrete filters in series."""
    return nengo.LinearFilter(
        np.polymul(first.num, second.num),
        np.polymul(first.den, second.den),
        analog=False,
    )


def _delayed(linear_filter, steps):
    return nengo.LinearFilter(
        linear_filter.num,
        np.concatenate([linear_filter.den, np.zeros(steps)]),
        analog=False,
    )


def decode_boost(Ad, Bd, mapped, tau, dt, scale, scaling, input_range, theta):
    """How much to enlarge each scale so that NengoLoihi's limits hold.

    On Loihi, coefficient ``i``'s recurrent value passes the decode neurons
    as :math:`w_i = h_\\tau(M x)_i` and its input leaves the host as
    :math:`v_i = F_i(z) u / s_i`; both must stay within about [-1, 1] (the
    decode neurons' and the host's on/off input neurons' range), and both
    scale with :math:`1 / s_i`. Their largest values are measured like the
    scales themselves: the l1 norm of their impulse responses for
    ``input_range`` (bound or given scales), or their peaks for a sample of
    the input model (a `nengo.Process`).

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system, ``(order, order)`` and ``(order, 1)``.
    mapped : nengo_lmu.synapse_mapping.SynapseMapping
        The system mapped onto the Loihi path (`.map_discrete_synapse`):
        ``recurrent`` is :math:`M`, ``input_filters`` the :math:`F_i`.
    tau : float
        The recurrent connection's lowpass time constant :math:`\\tau` in
        seconds.
    dt : float
        The time step in seconds.
    scale : (order,) ndarray
        The scales :math:`s_i` chosen so far.
    scaling : str, array_like or nengo.Process
        The network's ``scaling`` argument (a process: measure peaks on a
        60 s sample of it; otherwise use the l1 norms).
    input_range : float
        The input's bound for the l1 norms.
    theta : float
        The window in seconds; the impulse responses are taken over
        ``20 * (theta + tau)`` seconds.

    Returns
    -------
    boost : (order,) ndarray
        ``max(1, peak of w_i, peak of v_i)``.
    """
    order = len(scale)
    n_steps = int(round(20 * (theta + tau) / dt))
    impulse = np.zeros(n_steps)
    impulse[0] = 1.0
    state = impulse_response(Ad, Bd, n_steps)  # m for a unit impulse of u
    a = np.exp(-dt / tau)
    w = scipy.signal.lfilter([0, 1 - a], [1, -a], state @ mapped.recurrent.T, axis=0)
    v = np.array(
        [scipy.signal.lfilter(f.num, f.den, impulse) for f in mapped.input_filters]
    ).T
    responses = np.concatenate([w, v], axis=1) / np.concatenate([scale, scale])
    if isinstance(scaling, nengo.Process):
        u = scaling.run_steps(
            int(round(60.0 / dt)), d=1, dt=dt, rng=np.random.RandomState(0)
        )[:, 0]
        peaks = np.abs(
            scipy.signal.fftconvolve(u[:, None], responses, axes=0)[: len(u)]
        )
        peaks = peaks.max(axis=0)
    else:
        peaks = input_range * np.abs(responses).sum(axis=0)
    return np.maximum(1.0, np.maximum(peaks[:order], peaks[order:]))


class LoihiLegendreMemoryNetwork(LegendreMemoryNetwork):
    """A `.LegendreMemoryNetwork` laid out and mapped for NengoLoihi.

    Takes the arguments of `.LegendreMemoryNetwork` (``mapping`` must be
    ``"discrete"`` and ``synapse`` a lowpass, the only synapse a chip has;
    ``grouped`` is implied), with ``target`` the `LoihiPath` to map onto
    (``"loihi"`` or None: ``LoihiPath()``).

    Each input dimension has one ``order``-dimensional ensemble of
    ``n_neurons * order`` neurons with one recurrent connection: on Loihi
    the terms of :math:`M x` must cancel before they reach the decode
    neurons, whose range is about [-1, 1]. The recurrent transform is mapped
    onto the path's :math:`h_\\tau h_{dec}` (`.map_discrete_synapse`) and
    divided by the decode neurons' gain; the input is filtered on the host
    (`.node_filter`) and enters through :math:`h_{dec}`; each coefficient's
    scale grows, if needed, until its decode-neuron value and its host input
    stay within [-1, 1] (`decode_boost`); ``output`` rebuilds the ensembles'
    filtered state on the host from their decoded values, ``path.io_delay``
    steps later. With ``LoihiPath()`` (NengoLoihi's defaults) a plain
    ``nengo_loihi.Simulator(net)`` runs it as built; a path with another
    ``decode_tau`` or ``decode_pairs`` needs a model that has them
    (`nengo_lmu.loihi.simulator` or `nengo_lmu.loihi.model`). Any other
    simulator, a model with other decode settings, or neurons without a chip
    form are refused when the network is built
    (`nengo_lmu.neurons.simulator_check`).

    Attributes
    ----------
    target : LoihiPath
        The paths the network is mapped onto.
    boost : (order,) ndarray
        The factors by which `decode_boost` enlarged ``scale``.
    recurrent : list of nengo.Connection
        Each ensemble's recurrent connection.
    rounding_correction : (size_in * order,) ndarray
        Added to ``output`` on the host: minus the offset at rest that the
        chip's rounded recurrent decoders give it
        (`nengo_lmu.loihi.rounding_offset`), which
        `nengo_lmu.loihi.simulator` writes once it has built the network;
        zero until then (a plain ``nengo_loihi.Simulator`` leaves it so
        unless `~nengo_lmu.loihi.rounding_offset.correct_rounding_offsets`
        is called).
    """

    def _check_target(self):
        if self.target is None or (
            isinstance(self.target, str) and self.target == "loihi"
        ):
            self.target = LoihiPath()
        if not isinstance(self.target, LoihiPath):
            raise ValidationError(
                f"must be 'loihi' or a nengo_lmu.loihi.LoihiPath, got {self.target!r}",
                attr="target",
                obj=self,
            )
        if self.mapping != "discrete" or type(self.synapse) is not nengo.Lowpass:
            raise ValidationError(
                "a Loihi target needs mapping='discrete' and a Lowpass synapse (the "
                f"only synapse a chip has), got mapping={self.mapping!r}, synapse="
                f"{self.synapse!r}",
                attr="target",
                obj=self,
            )

    def _check_simulator(self, model):
        """Refuse simulators whose paths differ from ``target``'s.

        Called when ``output`` is built (`nengo_lmu.neurons.simulator_check`):
        nengo and NengoDL have no decode neurons; a NengoLoihi model whose
        ``decode_tau`` or decode neurons differ from the path's computes
        another system than the mapping's; neuron types without a chip form
        would run elsewhere or not at all; and a time step other than ``dt``.
        """
        self._check_dt(model)
        if not built_by_nengo_loihi(model):
            raise ValidationError(
                f"this layout ({self.target!r}) is mapped onto NengoLoihi's decode "
                "neurons, which nengo and NengoDL do not have; construct the network "
                "with target=None to run it there",
                attr="target",
                obj=self,
            )
        (decode_tau, pairs), path = model_settings(model), self.target
        if not np.isclose(decode_tau, path.decode_tau) or pairs != path.decode_pairs:
            raise ValidationError(
                f"the network is mapped for decode_tau={path.decode_tau} and "
                f"decode_pairs={path.decode_pairs}, but NengoLoihi's model has "
                f"decode_tau={decode_tau} and {pairs} pairs; build the simulator "
                "with nengo_lmu.loihi.simulator(network, path) or pass "
                "model=nengo_lmu.loihi.model(path, dt) to nengo_loihi.Simulator",
                attr="target",
                obj=self,
            )
        problem = chip_neuron_problem(self.coefficients.ea_ensembles[0].neuron_type)
        if problem:
            raise ValidationError(problem, attr="neuron_type", obj=self)

    def _build(self, Ad, Bd, scaling, neuron_type, ensemble_kwargs):
        """One ensemble per input dimension, mapped onto NengoLoihi's paths."""
        order, path, dt = self.order, self.target, self.dt
        rec_synapse = path.recurrent_synapse(self.synapse.tau, dt)
        in_synapse = path.input_synapse(dt)
        mapped = map_discrete_synapse(Ad, Bd, rec_synapse, dt, input_synapse=in_synapse)
        self.boost = decode_boost(
            Ad,
            Bd,
            mapped,
            self.synapse.tau,
            dt,
            self.scale,
            scaling,
            self.input_range,
            self.theta,
        )
        self.scale = self.scale * self.boost
        recurrent = mapped.recurrent * self.scale[None, :] / self.scale[:, None]
        self.delay = 1 + mapped.lag + path.io_delay

        self.recurrent = []
        self.rounding_correction = np.zeros(self.size_in * order)
        with self:
            self.config[nengo.Connection].solver = self.solver
            self.input = nengo.Node(size_in=self.size_in, label="input")
            self.coefficients = nengo.networks.EnsembleArray(
                self.n_neurons * order,
                n_ensembles=self.size_in,
                ens_dimensions=order,
                neuron_type=neuron_type,
                label="coefficients",
                **with_axis_encoders(ensemble_kwargs, grouped=True),
            )
            self.output = checked_node(
                self.size_in * order, self._check_simulator, label="output"
            )
            # the host filters each coefficient's input (different filters);
            # a host -> chip connection cannot target a slice, so they meet in
            # one node per input dimension first
            for j, ens in enumerate(self.coefficients.ea_ensembles):
                block = slice(j * order, (j + 1) * order)
                filtered = identity_node(order, label=f"filtered input {j}")
                for i, input_filter in enumerate(mapped.input_filters):
                    node = nengo.Node(node_filter(input_filter), size_in=1)
                    nengo.Connection(self.input[j], node, synapse=None)
                    nengo.Connection(
                        node, filtered[i], transform=1 / self.scale[i], synapse=None
                    )
                    # the same input as it reaches the state, io_delay later
                    nengo.Connection(
                        self.input[j],
                        self.output[j * order + i],
                        synapse=_delayed(
                            _cascade(input_filter, in_synapse), path.io_delay
                        ),
                    )
                nengo.Connection(filtered, ens, synapse=None)
                self.recurrent.append(
                    nengo.Connection(
                        ens,
                        ens,
                        transform=recurrent / path.decode_gain,
                        synapse=self.synapse,
                    )
                )
                # the ensemble's decoded state on the host; the output rebuilds
                # the filtered state h_rec (M x) + h_in v from it, as the
                # ensemble receives it, instead of passing on spike noise
                decoded = identity_node(order, label=f"decoded {j}")
                nengo.Connection(ens, decoded, synapse=None)
                nengo.Connection(
                    decoded,
                    self.output[block],
                    transform=self.scale[:, None] * recurrent,
                    synapse=rec_synapse,
                )
            # the correction of the offset that the chip's rounded decoders
            # give the output (`correct_rounding_offsets` sets it once built;
            # zero until then). In a subnetwork of its own, made last, so that
            # nengo's seeds for the neurons stay those of the network without it
            with nengo.Network(label="rounding correction"):
                correction = nengo.Node(
                    self._rounding_correction_output, label="rounding correction"
                )
                nengo.Connection(correction, self.output, synapse=None)

    def _rounding_correction_output(self, t):  # pylint: disable=unused-argument
        """The correction node's output (a method, so the network pickles).

        Parameters
        ----------
        t : float
            The simulation time (unused: the correction is constant).

        Returns
        -------
        (size_in * order,) ndarray
            ``rounding_correction``.
        """
        return self.rounding_correction


def _is_loihi_target(target):
    return isinstance(target, LoihiPath) or (
        isinstance(target, str) and target == "loihi"
    )


TARGET_LAYOUTS.append((_is_loihi_target, LoihiLegendreMemoryNetwork))
