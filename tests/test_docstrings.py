"""Every public callable has a complete numpydoc docstring.

The checks are those of ``docs/check_docstrings.py`` (a docstring; every
parameter in ``Parameters``; ``Returns`` where a value is returned), one
test per module so that a failure names it.
"""

import importlib.util
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[1] / "docs" / "check_docstrings.py"
_spec = importlib.util.spec_from_file_location("check_docstrings", CHECKER)
check_docstrings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_docstrings)

# the modules that import an optional dependency when they are imported; all
# others must import with the core requirements alone
NEEDS = {
    name: ("tensorflow", "nengo_dl")
    for name in (
        "nengo_lmu.dl",
        "nengo_lmu.dl.builders",
        "nengo_lmu.dl.simulation",
        "nengo_lmu.dl.spike_aware",
        "nengo_lmu.dl_builders",
    )
}
NEEDS["nengo_lmu.loihi.decode_neurons"] = ("nengo_loihi",)


@pytest.mark.parametrize("module", check_docstrings.public_modules())
def test_public_docstrings_are_complete(module):
    for package in NEEDS.get(module, ()):
        pytest.importorskip(package)
    missing, skipped = check_docstrings.check([module])
    assert skipped == []
    assert missing == [], "\n".join(missing)


def _documented(a, b=1):
    """Add.

    Parameters
    ----------
    a, b : float
        The terms.

    Returns
    -------
    float
    """
    return a + b


def _undocumented(a, b=1):
    """Add."""
    return a + b


def test_checker_finds_missing_sections():
    assert check_docstrings.problems("documented", _documented) == []
    problems = check_docstrings.problems("undocumented", _undocumented)
    assert [line.split()[1] for line in problems] == ["PR01", "RT01"]
    assert check_docstrings.problems("no_docstring", lambda x: x) == [
        "no_docstring: GL08 no docstring"
    ]
