"""The interpreters of the environments that cannot live beside TensorFlow 2.12.

``make nir-consumer`` and ``make keras3`` make them; ``make test`` names
their interpreters in environment variables and sets a second variable that
turns a missing environment from a skip into a failure.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def external_python(variable, default, make_target, required_by):
    """The interpreter named by ``variable`` (or ``default``), or a skip.

    Parameters
    ----------
    variable : str
        The environment variable that names the interpreter.
    default : str
        Its path relative to the checkout, if the variable is not set.
    make_target : str
        The Makefile target that makes the environment.
    required_by : str
        The environment variable that, set to ``1``, makes a missing
        interpreter fail the test instead of skipping it.

    Returns
    -------
    pathlib.Path
    """
    python = Path(os.environ.get(variable, REPO / default))
    if not python.exists():
        message = f"no interpreter at {python}: run `make {make_target}`"
        if os.environ.get(required_by) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return python
