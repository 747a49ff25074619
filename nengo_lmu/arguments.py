"""Checked arguments: the nengo Params, and the same checks as functions.

nengo's ``IntParam`` takes ``True`` for 1 and its ``NumberParam`` takes
``inf`` (and compares ``nan`` with a ``TypeError``). An LMU with
``order=True`` or ``theta=inf`` builds and is wrong without a word (a
window of ``inf`` seconds holds a memory that stays 0), and ``order=10**6``
asks for a dense :math:`10^6 \\times 10^6` matrix. The Params here refuse
them by name, when the object is constructed:

- `CountParam`: an integer (not a bool) at or above ``low``;
- `OrderParam`: a memory's order, a count from 1 to `MAX_ORDER`;
- `PositiveParam`: a finite number above 0 (a window, a time step);
- `NeuronParam`: a neuron type instance (``"LIF"`` or ``nengo.LIF`` are
  refused with the instance to write instead).

`check_order`, `check_positive` and `check_count` do the same for
functions; `real_array` and `check_system` refuse arrays with nan, inf or
complex entries (a nan put through a linear memory makes every later step
nan, and an FFT convolution every step).
"""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.neurons import NeuronType, NeuronTypeParam
from nengo.params import IntParam, NumberParam

# A is a dense order x order float64 matrix: 8192 is 512 MiB, and its
# discretisation needs several more of that size
MAX_ORDER = 8192

# the largest array a check lets nengo-lmu allocate (8 GiB): a cell's weights,
# an impulse response; more is a mistake in an argument rather than a plan
MAX_ARRAY_BYTES = 2**33


def _refuse_non_integer(value, attr, obj=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Integral, np.integer)
    ):
        raise ValidationError(
            f"must be an integer, got {value!r} ({type(value).__name__})",
            attr=attr,
            obj=obj,
        )


def _is_real_number(value):
    """A real scalar that is not a bool (nan and inf included)."""
    return not isinstance(value, (bool, np.bool_)) and isinstance(
        value, (numbers.Real, np.number)
    )


def _refuse_non_positive(value, attr, obj=None):
    if not _is_real_number(value) or not np.isfinite(value) or not value > 0:
        raise ValidationError(
            f"must be a finite number > 0, got {value!r}", attr=attr, obj=obj
        )


class CountParam(IntParam):
    """An integer at or above ``low``; a bool is refused (``True`` is not 1)."""

    def coerce(self, instance, num):  # pylint: disable=arguments-renamed
        """Refuse a bool or a non-integer, then nengo's range check.

        Parameters
        ----------
        instance : object
            The object whose parameter is set.
        num : object
            The value.

        Returns
        -------
        int
        """
        if num is not None:
            _refuse_non_integer(num, self.name, instance)
        return super().coerce(instance, num)


class OrderParam(CountParam):
    """A memory's order: an integer from 1 to `MAX_ORDER`.

    Parameters
    ----------
    name : str
        The parameter's name.
    **kwargs
        Passed to ``nengo.params.IntParam`` (``readonly``, ``optional``).
    """

    def __init__(self, name, **kwargs):
        super().__init__(name, low=1, **kwargs)

    def coerce(self, instance, num):  # pylint: disable=arguments-renamed
        """As `CountParam`, and at most `MAX_ORDER`.

        Parameters
        ----------
        instance : object
            The object whose parameter is set.
        num : object
            The value.

        Returns
        -------
        int
        """
        num = super().coerce(instance, num)
        if num is not None and num > MAX_ORDER:
            raise ValidationError(
                f"must be at most {MAX_ORDER}, got {num} (the memory's A alone "
                f"would take {num**2 * 8 / 2**30:.3g} GiB)",
                attr=self.name,
                obj=instance,
            )
        return num


class PositiveParam(NumberParam):
    """A finite number above 0 (``nan``, ``inf`` and bools refused).

    Parameters
    ----------
    name : str
        The parameter's name.
    **kwargs
        Passed to ``nengo.params.NumberParam`` (``readonly``, ``optional``).
    """

    def __init__(self, name, **kwargs):
        super().__init__(name, low=0, low_open=True, **kwargs)

    def coerce(self, instance, num):  # pylint: disable=arguments-renamed
        """Refuse anything but a finite number > 0.

        Parameters
        ----------
        instance : object
            The object whose parameter is set.
        num : object
            The value.

        Returns
        -------
        float
        """
        if num is not None:
            if isinstance(num, np.ndarray) and num.shape == ():
                num = num.item()
            _refuse_non_positive(num, self.name, instance)
        return super().coerce(instance, num)


class NeuronParam(NeuronTypeParam):
    """A nengo neuron type instance; a name or a class is refused, saying
    what to write instead."""

    def coerce(self, instance, neurons):  # pylint: disable=arguments-renamed
        """Refuse anything but a ``NeuronType`` instance.

        Parameters
        ----------
        instance : object
            The object whose parameter is set.
        neurons : object
            The value.

        Returns
        -------
        nengo.neurons.NeuronType
        """
        if not isinstance(neurons, NeuronType) and not (
            neurons is None and self.optional
        ):
            named = getattr(nengo, str(neurons), None)
            if (
                isinstance(neurons, str)
                and isinstance(named, type)
                and issubclass(named, NeuronType)
            ):
                hint = f"nengo.{neurons}() instead of the string {neurons!r}"
            elif isinstance(neurons, type):
                package = neurons.__module__.split(".")[0]
                hint = f"{package}.{neurons.__qualname__}() instead of the class"
            else:
                hint = f"for example nengo.LIF(), not {neurons!r}"
            raise ValidationError(
                f"must be a nengo neuron type instance: {hint}",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, neurons)


def check_order(order, attr="order"):
    """``order`` as an int, if it is an integer from 1 to `MAX_ORDER`.

    Parameters
    ----------
    order : object
        The value to check.
    attr : str
        The argument's name in the error.

    Returns
    -------
    int
    """
    return check_count(order, attr, low=1, high=MAX_ORDER)


def check_positive(value, attr):
    """``value`` as a float, if it is a finite number > 0.

    Parameters
    ----------
    value : object
        The value to check.
    attr : str
        The argument's name in the error.

    Returns
    -------
    float
    """
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    _refuse_non_positive(value, attr)
    return float(value)


def array_problem(value):
    """What makes ``value`` unfit to be an array of real, finite numbers, or None.

    A complex value would lose its imaginary part in a conversion to floats,
    and a nan or inf put through a linear memory makes every later output
    nan.

    Parameters
    ----------
    value : object
        The would-be array.

    Returns
    -------
    str or None
        The problem, worded to follow the array's name (``"is complex (its
        imaginary part would be dropped)"``), or None for a real, finite
        array.
    """
    try:
        value = np.asarray(value)
    except ValueError as error:  # ragged nested sequences
        return f"is not an array ({error})"
    if value.dtype.kind == "c":
        return "is complex (its imaginary part would be dropped)"
    if value.dtype.kind not in "iuf":
        return f"is not numeric (dtype {value.dtype})"
    bad = value.size - np.count_nonzero(np.isfinite(value))
    if bad:
        return f"holds {bad} nan or inf of {value.size} values"
    return None


def real_array(value, attr, obj=None):
    """``value`` as a float64 array, if every element is a finite real number.

    A nan or inf entry would spread through a linear system to every later
    step (and, through an FFT convolution, to every step), and a complex one
    would lose its imaginary part in the conversion; both are refused here,
    where they enter, with the count of bad entries.

    Parameters
    ----------
    value : array_like
        The values to check.
    attr : str
        The argument's name in the error.
    obj : object, optional
        The object named in the error.

    Returns
    -------
    ndarray
        A float64 array (a copy only where a conversion is needed).
    """
    problem = array_problem(value)
    if problem is not None:
        raise ValidationError(
            f"must be real, finite numbers; it {problem}", attr=attr, obj=obj
        )
    return np.asarray(value).astype(np.float64, copy=False)


def check_system(Ad, Bd, names=("Ad", "Bd")):
    """A linear system's ``(q, q)`` and ``(q, k)`` matrices, checked.

    Parameters
    ----------
    Ad, Bd : array_like
        The state and input matrices.
    names : tuple of str
        Their names in the errors (``("A", "B")`` for a continuous system).

    Returns
    -------
    Ad, Bd : ndarray
        Finite float64 matrices (``Bd`` made 2-D if it was a vector).
    """
    a_name, b_name = names
    Ad, Bd = real_array(Ad, a_name), real_array(Bd, b_name)
    if Ad.ndim != 2 or Ad.shape[0] != Ad.shape[1] or Ad.shape[0] == 0:
        raise ValidationError(
            f"must be a non-empty square matrix, got shape {Ad.shape}", attr=a_name
        )
    if Bd.ndim == 1:
        Bd = Bd[:, None]
    if Bd.ndim != 2 or Bd.shape[0] != Ad.shape[0]:
        raise ValidationError(
            f"must have shape ({Ad.shape[0]}, k) to match {a_name}, got {Bd.shape}",
            attr=b_name,
        )
    return Ad, Bd


def check_size(n_bytes, attr, limit, what):
    """Refuse, naming ``attr``, an array of ``n_bytes`` above ``limit`` bytes.

    Parameters
    ----------
    n_bytes : int
        The array's size.
    attr : str
        The argument that asks for it.
    limit : int
        The largest size allowed.
    what : str
        What the array is, for the message.
    """
    if n_bytes > limit:
        raise ValidationError(
            f"{what} would take {n_bytes / 2**30:.3g} GiB (at most "
            f"{limit / 2**30:.3g} GiB); ask for less",
            attr=attr,
        )


def check_count(value, attr, low=0, high=None):
    """``value`` as an int, if it is an integer (not a bool) in ``[low, high]``.

    Parameters
    ----------
    value : object
        The value to check.
    attr : str
        The argument's name in the error.
    low : int
        The smallest value allowed.
    high : int, optional
        The largest value allowed.

    Returns
    -------
    int
    """
    _refuse_non_integer(value, attr)
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValidationError(f"must be an integer {allowed}, got {value}", attr=attr)
    return int(value)


def checked_synapse(synapse, attr="synapse"):
    """``synapse`` as a nengo synapse, if it is one, None, or a lowpass time
    constant (a finite number >= 0, in seconds).

    Parameters
    ----------
    synapse : object
        The value to check.
    attr : str
        The argument's name in the error.

    Returns
    -------
    nengo.synapses.Synapse or None
    """
    if synapse is None or isinstance(synapse, nengo.synapses.Synapse):
        return synapse
    if not _is_real_number(synapse) or not np.isfinite(synapse) or synapse < 0:
        raise ValidationError(
            "must be None, a nengo synapse or a lowpass time constant >= 0 in "
            f"seconds, got {synapse!r}",
            attr=attr,
        )
    return nengo.Lowpass(float(synapse))


def check_fraction(value, attr):
    """``value`` as a float, if it is a number in [0, 1) (a dropout rate).

    Parameters
    ----------
    value : object
        The value to check.
    attr : str
        The argument's name in the error.

    Returns
    -------
    float
    """
    if not _is_real_number(value) or not 0 <= value < 1:
        raise ValidationError(f"must be a number in [0, 1), got {value!r}", attr=attr)
    return float(value)


def check_kwargs(value, attr):
    """``value`` as a dict, if it is a dict of keyword arguments or None.

    Parameters
    ----------
    value : object
        The value to check.
    attr : str
        The argument's name in the error.

    Returns
    -------
    dict
        A copy (empty for None).
    """
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValidationError(
            f"must be a dict of keyword arguments or None, got {value!r}", attr=attr
        )
    return dict(value)
