"""The memory's operator: one step of every input dimension's memory.

`SimLegendreMemory` advances all input dimensions of a `.LegendreMemory`
with one matrix product per step, or, for large orders, an O(order)
structured step (`nengo_lmu.memory.structured`). Nengo core runs it
directly; NengoDL runs it with `nengo_lmu.dl.builders.SimLegendreMemoryBuilder`.
"""

import numpy as np
from nengo.builder import Operator
from nengo.exceptions import ValidationError
from nengo.processes import Process

from nengo_lmu.arguments import check_positive
from nengo_lmu.memory.structured import STRUCTURED_METHODS, structured_update

# From this order on, "euler" and "pade" memories step in O(order) operations
# (`nengo_lmu.memory.structured`) instead of a dense O(order^2) product. The
# measurements that chose it are in docs/benchmarks/large_order_speed.md: at
# order 256 the dense product is as fast or faster.
STRUCTURED_MIN_ORDER = 512


def _check_memory_process(process):
    # LegendreMemory's module imports this one: its attributes, not its
    # class, are what this module needs
    if not isinstance(process, Process) or not all(
        hasattr(process, name) for name in ("order", "size_in", "discretizer")
    ):
        raise ValidationError(f"must be a LegendreMemory, got {process!r}", "process")


def uses_structured_step(process):
    """Whether nengo steps this memory in O(order) (`nengo_lmu.structured`).

    Parameters
    ----------
    process : LegendreMemory
        The memory.

    Returns
    -------
    bool
        True for ``"euler"`` and ``"pade"`` memories of order
        `STRUCTURED_MIN_ORDER` or more.
    """
    _check_memory_process(process)
    return (
        process.order >= STRUCTURED_MIN_ORDER
        and process.discretizer in STRUCTURED_METHODS
    )


def memory_update(process, dt, memory):
    """A function ``advance(u)`` that steps ``memory`` in place.

    ``memory`` is a ``(size_in, order)`` array (or view). Large ``"euler"``
    and ``"pade"`` memories use the O(order) structured step; everything else
    one dense product for all input dimensions, ``M <- [M, u] @ [Ad, Bd]^T``.

    Parameters
    ----------
    process : LegendreMemory
        The memory.
    dt : float
        The time step in seconds.
    memory : (size_in, order) ndarray
        The memory, updated in place.

    Returns
    -------
    callable
        ``advance(u)``, ``u`` of shape ``(size_in,)``.
    """
    if uses_structured_step(process):
        process.discrete_system(dt, dense=False)  # validates theta for Euler
        return structured_update(
            process.order, process.theta, dt, process.discretizer, memory
        )
    system_T = _augmented_system(*process.discrete_system(dt)).astype(memory.dtype)
    augmented = np.zeros((process.size_in, process.order + 1), memory.dtype)  # [M, u]

    def advance(u):
        augmented[:, :-1] = memory
        augmented[:, -1] = u
        np.dot(augmented, system_T, out=memory)

    return advance


def _augmented_system(Ad, Bd):
    """``[Ad, Bd]^T``, shape ``(order + 1, order)``, for ``[M, u] @ [Ad, Bd]^T``.

    Folding ``u`` into the product as an extra column measured faster in
    nengo than a product followed by a separate multiply-add (:doc:`/measurements`).
    """
    return np.ascontiguousarray(np.hstack([Ad, Bd]).T)


class SimLegendreMemory(Operator):
    """Advance a `LegendreMemory` by one step: ``m = Ad m + Bd u``.

    Parameters
    ----------
    process : LegendreMemory
        The memory being simulated.
    dt : float
        The time step that the memory is discretised for.
    input : Signal
        The memory input ``u``, shape ``(size_in,)``.
    output : Signal
        The memory ``m`` after the update, shape ``(size_in * order,)``.
    state : Signal
        The memory carried between steps, laid out as ``[M, u]`` with ``M``
        the ``(size_in, order)`` memory and ``u`` a column for the input, so
        that one product ``[M, u] @ [Ad, Bd]^T`` advances it; shape
        ``(size_in * (order + 1),)``.
    tag : str, optional
        A label for debugging.

    Notes
    -----
    1. sets ``[output]``
    2. incs ``[]``
    3. reads ``[input]``
    4. updates ``[state]``

    The state is an update (the value carried to the next step) and the output
    a set (the value of this step), so that the output at step ``t`` includes
    the input of step ``t``.
    """

    def __init__(self, process, dt, input, output, state, tag=None):
        super().__init__(tag=tag)
        _check_memory_process(process)
        dt = check_positive(dt, "dt")
        q, d = process.order, process.size_in
        expected = ((input, (d,)), (output, (d * q,)), (state, (d * (q + 1),)))
        for (signal, shape), name in zip(expected, ("input", "output", "state")):
            if tuple(signal.shape) != shape:
                raise ValidationError(
                    f"must have shape {shape} for {process}, got {signal.shape}",
                    attr=name,
                )
        self.process = process
        self.dt = dt
        self.sets = [output]
        self.incs = []
        self.reads = [input]
        self.updates = [state]

    @property
    def input(self):
        """The memory input ``u`` (a `~nengo.builder.Signal`, read)."""
        return self.reads[0]

    @property
    def output(self):
        """The memory after this step's update (a `~nengo.builder.Signal`, set)."""
        return self.sets[0]

    @property
    def state(self):
        """The ``[M, u]`` state (a `~nengo.builder.Signal`, updated)."""
        return self.updates[0]

    @property
    def order(self):
        """The process's number of coefficients per input dimension."""
        return self.process.order

    @property
    def size_in(self):
        """The process's number of input dimensions."""
        return self.process.size_in

    def discrete_system(self):
        """The dense ``(Ad, Bd)`` (for simulators that step densely).

        Returns
        -------
        Ad : (order, order) ndarray
        Bd : (order, 1) ndarray
            The process's system at the operator's ``dt``
            (`LegendreMemory.discrete_system`).
        """
        return self.process.discrete_system(self.dt)

    @property
    def _descstr(self):
        return f"{self.process}, {self.input} -> {self.output}"

    def make_step(self, signals, dt, rng):
        """The step function for nengo's simulator.

        Parameters
        ----------
        signals : nengo.builder.signal.SignalDict
            The simulator's signal values.
        dt : float
            The simulator's time step in seconds (the operator's own ``dt``
            is the one the memory is discretised for).
        rng : numpy.random.RandomState
            Unused.

        Returns
        -------
        callable
            A function of no arguments that advances every input dimension's
            memory by one step, :math:`m[t] = A_d m[t - 1] + B_d u[t]`, and
            writes it to ``output``.
        """
        u = signals[self.input]
        output = signals[self.output].reshape(self.size_in, self.order)
        augmented = signals[self.state].reshape(self.size_in, self.order + 1)
        memory = augmented[:, :-1]

        if uses_structured_step(self.process):
            advance = memory_update(self.process, self.dt, memory)

            def step_simlegendrememory():
                advance(u)
                output[...] = memory

            return step_simlegendrememory

        # in the signals' precision (nengo.rc may make them float32): `dot`
        # writes into `output` only from operands of its own dtype
        system_T = _augmented_system(*self.discrete_system()).astype(output.dtype)
        input_column = augmented[:, -1]
        dot = np.dot

        # three array operations a step: the state holds [M, u] so that the
        # product reads it in place and writes the output directly. The views
        # are made once, and `dot` takes `out` by position (faster than
        # `augmented[:, -1] = u; np.dot(..., out=output); memory[...] = output`:
        # docs/measurements.rst)
        def step_simlegendrememory():
            input_column[...] = u
            dot(augmented, system_T, output)
            memory[...] = output

        return step_simlegendrememory
