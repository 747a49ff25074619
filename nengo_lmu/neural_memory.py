"""The Legendre memory in recurrently connected neuron ensembles.

`LegendreMemoryNetwork` is a drop-in neural version of a `LegendreMemory`
node: its ``input`` takes ``size_in`` dimensions and its ``output`` gives the
``size_in * order`` Legendre coefficients in the same scale and layout, one
step later (the recurrent synapse's delay) plus the mapping's ``lag``.

Each coefficient is represented by its own ensemble (``n_neurons`` neurons
each), scaled so that the coefficient's largest possible value for input in
[-1, 1] maps onto the ensemble's radius. The recurrent transform and the
input filters come from the synapse-aware mappings of
`nengo_lmu.synapse_mapping`, so that the network implements the *discrete*
system that `LegendreMemory` computes, not a continuous approximation of it.

With ``target=LoihiPath(...)`` the network is laid out and mapped for
NengoLoihi instead (one ensemble per input dimension, the mapping folded onto
the decode neurons' paths; see `nengo_lmu.loihi`).
"""

import nengo
import numpy as np
import scipy.signal
from nengo.exceptions import ValidationError
from nengo.params import BoolParam, EnumParam, IntParam, NumberParam

from nengo_lmu.identity import identity_node
from nengo_lmu.legendre import DISCRETIZERS, discretize, impulse_response, lmu_system
from nengo_lmu.loihi import LoihiPath
from nengo_lmu.synapse_mapping import (
    map_continuous_lowpass,
    map_discrete_synapse,
    node_filter,
)

MAPPINGS = ("discrete", "continuous")

# Headroom over the peaks of a sample of the input model: other samples go
# higher, and a saturated ensemble ruins the memory. Measured on Task B of
# benchmarks/delay.py (20 s signals): with 1.0, NRMSE 0.14-0.25 on three
# signals; with 1.5, 0.049-0.060.
SCALING_MARGIN = 1.5


def coefficient_bounds(Ad, Bd, tol=1e-9, max_steps=10**6):
    """The largest value each state can take for input in [-1, 1].

    For ``|u[t]| <= 1`` the state obeys :math:`|x_i[t]| \\le \\sum_s |H_i[s]|`
    (the l1 norm of its impulse response), and the input ``sign(H_i)``
    reversed in time attains it: the bound is tight.

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system.
    tol : float
        The sum stops once the response has decayed below ``tol`` times its
        peak.
    max_steps : int
        Refuse systems that take longer than this to decay.

    Returns
    -------
    (order,) ndarray
        :math:`\\sum_s |H_i[s]|` for each state :math:`i`.
    """
    q = len(Ad)
    total = np.zeros(q)
    block = 1000
    state = np.asarray(Bd, dtype=np.float64).reshape(q)
    peak = np.max(np.abs(state))
    for start in range(0, max_steps, block):
        H = impulse_response(Ad, state, block)
        total += np.abs(H).sum(axis=0)
        peak = max(peak, np.max(np.abs(H)))
        state = Ad @ H[-1]
        if np.max(np.abs(H[-1])) < tol * peak:
            return total
    raise ValidationError(
        f"the impulse response has not decayed after {max_steps} steps",
        attr="theta",
    )


def coefficient_peaks(Ad, Bd, signal, seconds=60.0, dt=0.001, seed=0):
    """The largest value each state takes for a sample of a random input.

    Tighter than `coefficient_bounds` for smooth inputs, whose higher Legendre
    coefficients stay far below their worst case.

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system.
    signal : nengo.Process
        A model of the input (for example a `nengo.processes.WhiteSignal`
        with the input's bandwidth and RMS).
    seconds : float
        Length of the sample.
    dt : float
        The time step the system is discretised for, in seconds.
    seed : int
        Seed of the sample.

    Returns
    -------
    (order,) ndarray
        :math:`\\max_t |m_i[t]|` for each state :math:`i` over the sample,
        with :math:`m[t] = A_d m[t - 1] + B_d u[t]`.
    """
    n_steps = int(round(seconds / dt))
    u = signal.run_steps(n_steps, d=1, dt=dt, rng=np.random.RandomState(seed))[:, 0]
    m = np.zeros(len(Ad))
    peak = np.zeros(len(Ad))
    AdT, Bd_row = Ad.T, np.asarray(Bd).reshape(-1)
    for x in u:
        m = m @ AdT + Bd_row * x
        np.maximum(peak, np.abs(m), out=peak)
    return peak


class AxisEncoders(nengo.dists.Distribution):
    """Encoders on the coordinate axes: each neuron represents one dimension.

    Of ``n`` neurons in ``d`` dimensions, the first ``n // d`` (plus one if
    ``n % d`` is left over) encode dimension 0, the next ones dimension 1,
    and so on; each encoder is :math:`\\pm e_i` with a random sign, as in a
    one-dimensional ensemble. A ``d``-dimensional ensemble with these
    encoders represents each coordinate as well as ``d`` separate ensembles
    of ``n // d`` neurons, and it is still one ensemble: one decoded
    connection can carry a linear function of all the coordinates, whose
    terms add up in the decoders.

    The grouped layouts of `LegendreMemoryNetwork` use it. With nengo's
    default encoders (uniform on the sphere) a 6-dimensional ensemble of 996
    neurons decoded the memory of Task B of benchmarks/delay.py with NRMSE
    0.087 against 0.044 for six separate ensembles; with these, 0.047 (one
    6 s signal, seed 0).
    """

    def sample(self, n, d=None, rng=np.random):
        """Draw ``n`` encoders of ``d`` dimensions.

        Parameters
        ----------
        n : int
            Number of neurons.
        d : int, optional
            Number of dimensions (1 if None).
        rng : numpy.random.RandomState
            Draws the signs.

        Returns
        -------
        (n, d) ndarray
            Rows :math:`\\pm e_i`, neuron ``k`` on axis ``k * d // n``.
        """
        d = 1 if d is None else d
        encoders = np.zeros((n, d))
        axes = np.arange(n) * d // n
        encoders[np.arange(n), axes] = rng.choice([-1.0, 1.0], size=n)
        return encoders


def _with_axis_encoders(ensemble_kwargs, grouped):
    """The ensembles' arguments; grouped ensembles get `AxisEncoders` unless given."""
    kwargs = dict(ensemble_kwargs or {})
    if grouped:
        kwargs.setdefault("encoders", AxisEncoders())
    return kwargs


def _as_synapse(synapse):
    """A number is a lowpass time constant; filters pass; anything else is refused."""
    if isinstance(synapse, nengo.LinearFilter):
        return synapse
    if isinstance(synapse, (int, float, np.floating)) and not isinstance(synapse, bool):
        if synapse > 0:
            return nengo.Lowpass(synapse)
    raise ValidationError(
        f"must be a nengo.LinearFilter or a lowpass time constant > 0, got {synapse!r}",
        attr="synapse",
    )


def _as_target(target):
    if target is None or isinstance(target, LoihiPath):
        return target
    if isinstance(target, str) and target == "loihi":
        return LoihiPath()
    raise ValidationError(
        f"must be None, 'loihi' or a nengo_lmu.loihi.LoihiPath, got {target!r}",
        attr="target",
    )


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


class LegendreMemoryNetwork(nengo.Network):
    """A Legendre memory computed by recurrently connected neuron ensembles.

    The neural counterpart of ``nengo.Node(LegendreMemory(order, theta,
    discretizer, size_in))``: ``input`` takes ``size_in`` dimensions and
    ``output`` gives the ``size_in * order`` coefficients in the same layout
    and scale, ``delay`` steps later.

    Each coefficient :math:`m_i` is represented by an ensemble of
    ``n_neurons`` neurons as :math:`x_i = m_i / s_i`, where :math:`s_i` is the
    largest value that :math:`m_i` can take for input in
    ``[-input_range, input_range]`` (`coefficient_bounds`), so that no input
    in that range saturates an ensemble. The recurrent connections
    (``synapse``) and the input connections carry the transforms of a
    synapse-aware mapping of the discrete system (`nengo_lmu.synapse_mapping`):

    - ``mapping="discrete"`` (default): exact in discrete time for any linear
      ``synapse``; the input connections get the filters that the mapping
      requires.
    - ``mapping="continuous"``: the NEF's classic :math:`\\tau A + I`,
      :math:`\\tau B` for a lowpass synapse, approximate for finite ``dt``
      (for comparison).

    Parameters
    ----------
    order : int
        Number of Legendre coefficients per input dimension.
    theta : float
        Window length in seconds.
    n_neurons : int
        Neurons per coefficient.
    size_in : int
        Number of input dimensions.
    grouped : bool
        If False (default), each coefficient has its own one-dimensional
        ensemble of ``n_neurons``; if True, each input dimension has one
        ``order``-dimensional ensemble of ``n_neurons * order`` neurons, whose
        encoders lie on the coordinate axes (`AxisEncoders`, unless
        ``ensemble_kwargs`` gives ``encoders``), so that each coefficient has
        ``n_neurons`` neurons of its own in both layouts.
    discretizer : {"zoh", "euler", "pade"}
        Discretisation of the target system (see `.discretize`).
    synapse : nengo.LinearFilter or float
        The recurrent synapse (a float is a lowpass time constant). Longer
        time constants average more spikes and give smoother memories.
    mapping : {"discrete", "continuous"}
        How the system is mapped onto the synapse.
    neuron_type : nengo.neurons.NeuronType
        Any Nengo neuron type (spiking or rate). For long windows of high
        order, prefer non-leaky integrate-and-fire neurons
        (``nengo.SpikingRectifiedLinear``) at high rates: they pass on the
        integral of their input exactly, up to one spike, where LIF neurons
        lag fast inputs, and the recurrence (its transform grows with the
        order) amplifies either error. On psMNIST input (window 3.92 s,
        ``benchmarks/spiking_memory_psmnist.py``) the final memory's RMS
        error, relative to each coefficient's scale, was 0.11 / 0.86 / 1.43
        with 50 LIF neurons per coefficient at orders 64 / 256 / 512, and
        0.03 / 0.14 / 0.47 with 50 integrate-and-fire neurons at 450-900 Hz
        (0.07 with 200 at order 256).
    input_range : float
        The largest input magnitude the scaling provides for.
    scaling : "bound" or nengo.Process or array_like
        How each coefficient's scale :math:`s_i` is chosen: ``"bound"`` (the
        default) uses the worst case for input in ``[-input_range,
        input_range]`` (`coefficient_bounds`), which no input can exceed; a
        `nengo.Process` (a model of the input, such as a ``WhiteSignal`` with
        its bandwidth and RMS) uses `SCALING_MARGIN` times the peaks of a 60 s sample
        (`coefficient_peaks`), which uses the ensembles' range far better for
        smooth inputs; an array gives the scales directly.
    ensemble_kwargs : dict, optional
        Passed to every coefficient ensemble (``max_rates``, ``intercepts``,
        ...). Higher firing rates average out more spike noise: on Task B of
        benchmarks/delay.py, ``max_rates=Uniform(350, 480)`` instead of
        nengo's ``Uniform(200, 400)`` brought the NRMSE from 0.051 to 0.037
        (four 20 s signals).
    solver : nengo.solvers.Solver
        Decoder solver for the ensembles' connections. The recurrent synapse
        filters spike noise, so less regularisation than nengo's default
        (``reg=0.1``) is better: on Task B of benchmarks/delay.py (three 10 s
        signals, scaling 1.1 times the measured peaks) NRMSE was 0.060 at
        ``reg=0.1``, 0.050 at 0.03 and 0.051 at 0.01.
    dt : float
        The time step the network will be simulated with (the discrete
        system and the mapping depend on it).
    target : None, "loihi" or nengo_lmu.loihi.LoihiPath
        None (default): nengo and NengoDL, as described above. Do not run
        this layout on NengoLoihi: its mapping ignores the decode neurons,
        and its small per-coefficient recurrent weights often fail to build
        there ("Could not find appropriate weight exponent": order 3, 128
        neurons per coefficient failed at synapses of 0.02 s and 0.1 s and
        built at 0.005 s and 0.05 s, while the Loihi layout built at all
        four). ``"loihi"``
        or a `.LoihiPath`: the layout and mapping for NengoLoihi, whose
        decoded connections run through decode neurons (see
        `nengo_lmu.loihi`). Then each input dimension has one
        ``order``-dimensional ensemble of ``n_neurons * order`` neurons with
        one recurrent connection (``grouped`` is implied: on Loihi the terms
        of :math:`M x` must cancel before they reach the decode neurons,
        whose range is about [-1, 1]); the recurrent transform is mapped onto
        the path's :math:`h_\\tau h_{dec}` (`map_discrete_synapse`) and
        divided by the decode neurons' gain; the input is filtered on the
        host (`node_filter`) and enters through :math:`h_{dec}`; each
        coefficient's scale grows, if needed, until its decode-neuron value
        and its host input stay within [-1, 1] (`decode_boost`); ``output``
        rebuilds the ensembles' filtered state on the host from their
        decoded values, ``path.io_delay`` steps later. Simulate with
        `nengo_lmu.loihi.simulator` so that the model's ``decode_tau``
        matches the path.
    **kwargs
        Passed to `nengo.Network` (``label``, ``seed``, ``add_to_container``).

    Attributes
    ----------
    input : nengo.Node
        Size ``size_in``.
    output : nengo.Node
        Size ``size_in * order``: the memory, in `LegendreMemory`'s scale.
    coefficients : nengo.networks.EnsembleArray
        The ensembles, in the output's order (one per coefficient, or one per
        input dimension if ``grouped``).
    scale : (order,) ndarray
        :math:`s_i`, the value of coefficient ``i`` that maps to radius 1.
    delay : int
        Steps by which ``output`` trails a `LegendreMemory` node fed the same
        input (1 for a lowpass synapse with the discrete mapping).
    target : None or nengo_lmu.loihi.LoihiPath
        The paths the network is mapped onto (None: nengo's).
    boost : (order,) ndarray
        With a Loihi target, the factors by which `decode_boost` enlarged
        ``scale``.
    """

    order = IntParam("order", low=1, readonly=True)
    theta = NumberParam("theta", low=0, low_open=True, readonly=True)
    n_neurons = IntParam("n_neurons", low=1, readonly=True)
    grouped = BoolParam("grouped", readonly=True)
    size_in = IntParam("size_in", low=1, readonly=True)
    discretizer = EnumParam("discretizer", values=DISCRETIZERS, readonly=True)
    mapping = EnumParam("mapping", values=MAPPINGS, readonly=True)
    input_range = NumberParam("input_range", low=0, low_open=True, readonly=True)
    dt = NumberParam("dt", low=0, low_open=True, readonly=True)

    def __init__(
        self,
        order,
        theta,
        n_neurons,
        size_in=1,
        grouped=False,
        discretizer="zoh",
        synapse=0.1,
        mapping="discrete",
        neuron_type=nengo.LIF(),
        input_range=1.0,
        scaling="bound",
        ensemble_kwargs=None,
        solver=nengo.solvers.LstsqL2(reg=0.03),
        dt=0.001,
        target=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.order = order
        self.theta = theta
        self.n_neurons = n_neurons
        self.grouped = grouped
        self.size_in = size_in
        self.discretizer = discretizer
        self.mapping = mapping
        self.input_range = input_range
        self.dt = dt
        self.synapse = _as_synapse(synapse)
        self.solver = solver
        if mapping == "continuous" and not isinstance(self.synapse, nengo.Lowpass):
            raise ValidationError(
                f"the continuous mapping needs a Lowpass synapse, got {self.synapse!r}; "
                "use mapping='discrete' for other synapses",
                attr="synapse",
                obj=self,
            )

        self.target = _as_target(target)
        if self.target is not None and (
            mapping != "discrete" or type(self.synapse) is not nengo.Lowpass
        ):
            raise ValidationError(
                "a Loihi target needs mapping='discrete' and a Lowpass synapse (the "
                f"only synapse a chip has), got mapping={mapping!r}, synapse="
                f"{self.synapse!r}",
                attr="target",
                obj=self,
            )
        Ad, Bd = discretize(*lmu_system(order, theta), dt, discretizer)
        self.scale = self._scales(scaling, Ad, Bd)
        if self.target is not None:
            self._build_loihi(Ad, Bd, scaling, neuron_type, ensemble_kwargs)
            return
        recurrent, input_weights, input_synapses, self.delay = self._map(Ad, Bd)
        # in scaled coordinates x = m / s
        recurrent = recurrent * self.scale[None, :] / self.scale[:, None]
        input_weights = input_weights / self.scale

        with self:
            # the decoders of the ensembles (inside the EnsembleArray)
            self.config[nengo.Connection].solver = solver
            self.input = nengo.Node(size_in=size_in, label="input")
            # one ensemble per coefficient, or one `order`-dimensional
            # ensemble per input dimension (the same number of neurons)
            per_ensemble = order if grouped else 1
            self.coefficients = nengo.networks.EnsembleArray(
                n_neurons * per_ensemble,
                n_ensembles=size_in * order // per_ensemble,
                ens_dimensions=per_ensemble,
                neuron_type=neuron_type,
                label="coefficients",
                **_with_axis_encoders(ensemble_kwargs, grouped),
            )
            self.output = identity_node(size_in * order, label="output")
            # the ensembles get the mapped state x = h (M x + v); the output
            # gets the same filtered signal scaled back to m = s x, so that it
            # carries the state itself and not the ensembles' unfiltered spikes
            self._drive(
                self.coefficients.input,
                np.ones(order),
                recurrent,
                input_weights,
                input_synapses,
            )
            self._drive(
                self.output, self.scale, recurrent, input_weights, input_synapses
            )

    def _build_loihi(self, Ad, Bd, scaling, neuron_type, ensemble_kwargs):
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

        with self:
            self.config[nengo.Connection].solver = self.solver
            self.input = nengo.Node(size_in=self.size_in, label="input")
            self.coefficients = nengo.networks.EnsembleArray(
                self.n_neurons * order,
                n_ensembles=self.size_in,
                ens_dimensions=order,
                neuron_type=neuron_type,
                label="coefficients",
                **_with_axis_encoders(ensemble_kwargs, grouped=True),
            )
            self.output = identity_node(self.size_in * order, label="output")
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
                nengo.Connection(
                    ens,
                    ens,
                    transform=recurrent / path.decode_gain,
                    synapse=self.synapse,
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

    def _scales(self, scaling, Ad, Bd):
        if isinstance(scaling, str) and scaling == "bound":
            return self.input_range * coefficient_bounds(Ad, Bd)
        if isinstance(scaling, nengo.Process):
            return SCALING_MARGIN * coefficient_peaks(Ad, Bd, scaling, dt=self.dt)
        scale = (
            np.asarray(scaling, dtype=np.float64)
            if not isinstance(scaling, str)
            else None
        )
        if scale is None or scale.shape != (self.order,) or not np.all(scale > 0):
            raise ValidationError(
                f"must be 'bound', a nengo.Process modelling the input, or {self.order} "
                f"positive scales (one per coefficient), got {scaling!r}",
                attr="scaling",
                obj=self,
            )
        return scale

    def _drive(self, target, gain, recurrent, input_weights, input_synapses):
        """Connect the filtered state ``gain * h (M x + v)`` into ``target``."""
        order = self.order
        for j in range(self.size_in):
            block = slice(j * order, (j + 1) * order)
            nengo.Connection(
                self.coefficients.output[block],
                target[block],
                transform=gain[:, None] * recurrent,
                synapse=self.synapse,
            )
            for i, input_synapse in enumerate(input_synapses):
                nengo.Connection(
                    self.input[j],
                    target[j * order + i],
                    transform=gain[i] * input_weights[i],
                    synapse=input_synapse,
                )

    def _map(self, Ad, Bd):
        """Recurrent transform, input weights and synapses, and total delay."""
        if self.mapping == "continuous":
            recurrent, N = map_continuous_lowpass(
                *lmu_system(self.order, self.theta), self.synapse.tau
            )
            return recurrent, N[:, 0], [self.synapse] * self.order, 1
        mapped = map_discrete_synapse(Ad, Bd, self.synapse, self.dt)
        return (
            mapped.recurrent,
            np.ones(self.order),
            mapped.input_synapses,
            1 + mapped.lag,
        )
