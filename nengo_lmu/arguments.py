"""Checked arguments: the nengo Params, and the same checks as functions.

nengo's ``IntParam`` takes ``True`` for 1 and its ``NumberParam`` takes
``inf`` (and compares ``nan`` with a ``TypeError``). An LMU with
``order=True`` or ``theta=inf`` builds and is wrong without a word (a
window of ``inf`` seconds holds a memory that stays 0), and ``order=10**6``
asks for a dense :math:`10^6 \\times 10^6` matrix. The Params here refuse
them by name, when the object is constructed:

- `CountParam`: an integer (not a bool) at or above ``low``;
- `OrderParam`: a memory's order, a count from 1 to `MAX_ORDER`;
- `PositiveParam`: a finite number above 0 (a window, a time step).

`check_order` and `check_positive` do the same for functions.
"""

import numbers

import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import IntParam, NumberParam

# A is a dense order x order float64 matrix: 8192 is 512 MiB, and its
# discretisation needs several more of that size
MAX_ORDER = 8192


def _refuse_non_integer(value, attr, obj=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Integral, np.integer)
    ):
        raise ValidationError(
            f"must be an integer, got {value!r} ({type(value).__name__})",
            attr=attr,
            obj=obj,
        )


def _refuse_non_positive(value, attr, obj=None):
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (numbers.Real, np.number))
        or not np.isfinite(value)
        or not value > 0
    ):
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
    _refuse_non_integer(order, attr)
    if not 1 <= order <= MAX_ORDER:
        raise ValidationError(
            f"must be an integer from 1 to {MAX_ORDER}, got {order}", attr=attr
        )
    return int(order)


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
