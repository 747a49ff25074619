"""The Legendre memory in recurrently connected neuron ensembles.

`LegendreMemoryNetwork` is a drop-in neural version of a `LegendreMemory`
node: its ``input`` takes ``size_in`` dimensions and its ``output`` gives the
``size_in * order`` Legendre coefficients in the same scale and layout, one
step later (the recurrent synapse's delay) plus the mapping's ``lag``.

Each coefficient is represented by its own ensemble (``n_neurons`` neurons
each), scaled so that the coefficient's largest possible value for input in
[-1, 1] maps onto the ensemble's radius (`nengo_lmu.neurons.scaling`). The
recurrent transform and the input filters come from the synapse-aware
mappings of `nengo_lmu.neurons.synapse_mapping`, so that the network
implements the *discrete* system that `LegendreMemory` computes, not a
continuous approximation of it.

The layout for NengoLoihi, whose decoded connections run through decode
neurons, is a subclass: `nengo_lmu.loihi.LoihiLegendreMemoryNetwork`
(``LegendreMemoryNetwork(..., target=...)`` builds one).
"""

import inspect

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import BoolParam, EnumParam

from nengo_lmu.arguments import CountParam, NeuronParam, OrderParam, PositiveParam
from nengo_lmu.legendre import (
    DISCRETIZERS,
    check_euler_stable,
    discretize,
    lmu_system,
)
from nengo_lmu.neurons.scaling import (
    SCALING_MARGIN,
    coefficient_bounds,
    coefficient_peaks,
    with_axis_encoders,
)
from nengo_lmu.neurons.simulator_check import built_by_nengo_loihi, checked_node
from nengo_lmu.neurons.synapse_mapping import (
    map_continuous_lowpass,
    map_discrete_synapse,
)

MAPPINGS = ("discrete", "continuous")

# The layouts for simulators other than nengo's, as ``(accepts, layout)``:
# ``accepts(target)`` says whether ``layout`` (a subclass of
# LegendreMemoryNetwork) is the one for ``target``. The layouts add
# themselves when their package is imported (`nengo_lmu.loihi` does, and
# ``import nengo_lmu`` imports it), so that this module needs none of them.
TARGET_LAYOUTS = []


def layout_for(target):
    """The `LegendreMemoryNetwork` subclass that lays the memory out for ``target``.

    Parameters
    ----------
    target : None or object
        None for nengo and NengoDL; ``"loihi"`` or a
        `nengo_lmu.loihi.LoihiPath` for NengoLoihi.

    Returns
    -------
    type
        `LegendreMemoryNetwork` for None, otherwise the registered layout.
    """
    if target is None:
        return LegendreMemoryNetwork
    for accepts, layout in TARGET_LAYOUTS:
        if accepts(target):
            return layout
    raise ValidationError(
        f"must be None, 'loihi' or a nengo_lmu.loihi.LoihiPath, got {target!r}",
        attr="target",
    )


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
        order) amplifies either error (:doc:`/measurements`).
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
        ...). Higher firing rates average out more spike noise
        (:doc:`/measurements`).
    solver : nengo.solvers.Solver
        Decoder solver for the ensembles' connections. The recurrent synapse
        filters spike noise, so less regularisation than nengo's default
        (``reg=0.1``) is better (:doc:`/measurements`).
    dt : float
        The time step the network will be simulated with (the discrete
        system and the mapping depend on it).
    target : None, "loihi" or nengo_lmu.loihi.LoihiPath
        The simulators the network is laid out for. None (default): nengo
        and NengoDL. ``"loihi"`` (or a `.LoihiPath`): NengoLoihi, whose
        decoded connections pass through decode neurons with their own
        filter (`.LoihiLegendreMemoryNetwork`, a subclass; ``"loihi"`` maps
        onto NengoLoihi's defaults, so ``nengo_loihi.Simulator(net)`` runs
        it as built). Each layout computes the memory only on its own
        simulators; building it on the other fails at once with an error
        that says to change ``target`` (`nengo_lmu.neurons.simulator_check`).
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
    """

    order = OrderParam("order", readonly=True)
    theta = PositiveParam("theta", readonly=True)
    n_neurons = CountParam("n_neurons", low=1, readonly=True)
    grouped = BoolParam("grouped", readonly=True)
    size_in = CountParam("size_in", low=1, readonly=True)
    discretizer = EnumParam("discretizer", values=DISCRETIZERS, readonly=True)
    mapping = EnumParam("mapping", values=MAPPINGS, readonly=True)
    input_range = PositiveParam("input_range", readonly=True)
    dt = PositiveParam("dt", readonly=True)
    neuron_type = NeuronParam("neuron_type", readonly=True)

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
        if self.theta < self.dt:
            raise ValidationError(
                f"theta={self.theta} s is shorter than the time step dt={self.dt} s: "
                "the ensembles cannot hold a window of less than one step (the "
                "exact memory, LegendreMemory, can)",
                attr="theta",
                obj=self,
            )
        self.neuron_type = neuron_type
        self.synapse = _as_synapse(synapse)
        self.solver = solver
        if mapping == "continuous" and not isinstance(self.synapse, nengo.Lowpass):
            raise ValidationError(
                f"the continuous mapping needs a Lowpass synapse, got {self.synapse!r}; "
                "use mapping='discrete' for other synapses",
                attr="synapse",
                obj=self,
            )

        self.target = target
        self._check_target()
        Ad, Bd = self.discrete_system()
        self.scale = self._scales(scaling, Ad, Bd)
        self._build(Ad, Bd, scaling, self.neuron_type, ensemble_kwargs)

    def __new__(cls, *args, target=None, **kwargs):
        # `target` chooses the layout: a subclass for other simulators
        # (`TARGET_LAYOUTS`); the arguments go on to its __init__
        if cls is LegendreMemoryNetwork:
            cls = layout_for(target)
        return super().__new__(cls)

    def _check_target(self):
        if self.target is not None:
            raise ValidationError(
                f"this layout is for nengo and NengoDL (target=None), got "
                f"{self.target!r}; use the layout for that target "
                f"(`nengo_lmu.neurons.network.layout_for`)",
                attr="target",
                obj=self,
            )

    def _check_dt(self, model):
        """Refuse a simulator whose time step is not the one mapped for.

        The recurrent weights and synapses implement the system discretised
        at ``dt``; at another step they implement another system.
        """
        if abs(model.dt - self.dt) > 1e-9 * self.dt:
            raise ValidationError(
                f"the network was built for dt={self.dt} s (its weights implement "
                f"the memory discretised at that step), but the simulator runs "
                f"dt={model.dt} s; construct it with dt={model.dt}",
                attr="dt",
                obj=self,
            )

    def _check_simulator(self, model):
        """Refuse NengoLoihi, whose decode neurons this layout does not map,
        and a time step other than ``dt``.

        Called when ``output`` is built (`nengo_lmu.neurons.simulator_check`).
        """
        self._check_dt(model)
        if built_by_nengo_loihi(model):
            raise ValidationError(
                "this layout is for nengo and NengoDL (target=None); NengoLoihi passes "
                "decoded connections through decode neurons, which it does not map. "
                "Construct the network with target='loihi' (in an LMUCell: "
                "use_neural_memory(..., target='loihi'), or convert_to_spiking(..., "
                "memory_kwargs={..., 'target': 'loihi'}))",
                attr="target",
                obj=self,
            )

    def discrete_system(self):
        """The discrete system that the network implements.

        Returns
        -------
        Ad : (order, order) ndarray
        Bd : (order, 1) ndarray
            The delay system of `.lmu_system` discretised at ``dt`` with
            ``discretizer`` (`.discretize`): the one that `LegendreMemory`
            computes.
        """
        if self.discretizer == "euler":
            check_euler_stable(self.order, self.theta, self.dt, obj=self)
        return discretize(
            *lmu_system(self.order, self.theta), self.dt, self.discretizer
        )

    def _build(self, Ad, Bd, scaling, neuron_type, ensemble_kwargs):
        """One ensemble per coefficient (or per input dimension if ``grouped``)."""
        order, size_in = self.order, self.size_in
        recurrent, input_weights, input_synapses, self.delay = self._map(Ad, Bd)
        # in scaled coordinates x = m / s
        recurrent = recurrent * self.scale[None, :] / self.scale[:, None]
        input_weights = input_weights / self.scale

        with self:
            # the decoders of the ensembles (inside the EnsembleArray)
            self.config[nengo.Connection].solver = self.solver
            self.input = nengo.Node(size_in=size_in, label="input")
            # one ensemble per coefficient, or one `order`-dimensional
            # ensemble per input dimension (the same number of neurons)
            per_ensemble = order if self.grouped else 1
            self.coefficients = nengo.networks.EnsembleArray(
                self.n_neurons * per_ensemble,
                n_ensembles=size_in * order // per_ensemble,
                ens_dimensions=per_ensemble,
                neuron_type=neuron_type,
                label="coefficients",
                **with_axis_encoders(ensemble_kwargs, self.grouped),
            )
            self.output = checked_node(
                size_in * order, self._check_simulator, label="output"
            )
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


# help() and the documentation show __init__'s arguments, not those of the
# __new__ that chooses the layout
_init = inspect.signature(LegendreMemoryNetwork.__init__)
LegendreMemoryNetwork.__signature__ = _init.replace(
    parameters=list(_init.parameters.values())[1:]  # without self
)
