"""Quiet runs: NengoDL's and TensorFlow's known messages hidden where a run
starts, never by importing the library; real warnings still show."""

import subprocess
import sys

import pytest


def run(code):
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_importing_the_library_changes_no_filter_and_no_environment():
    # (nengo and scipy.special add filters of their own when imported)
    out, _ = run(
        "import os, warnings, nengo, scipy.special, scipy.signal\n"
        "before = (list(warnings.filters), dict(os.environ))\n"
        "import nengo_lmu, nengo_lmu.cell, nengo_lmu.apps.quiet\n"
        "print(before == (list(warnings.filters), dict(os.environ)))"
    )
    assert out.strip() == "True"


def test_a_quiet_run_hides_the_known_messages_and_shows_real_warnings():
    pytest.importorskip("nengo_dl")
    code = (
        "from nengo_lmu.apps.quiet import quiet_known_warnings\n"
        "quiet_known_warnings(import_nengo_dl=True)\n"
        "import nengo, nengo_dl, nengo_lmu.dl, warnings\n"
        "with nengo.Network() as net:\n"
        "    nengo.Node([1.0])\n"
        "with nengo_dl.Simulator(net, progress_bar=False) as sim:\n"
        "    sim.run_steps(2)\n"
        "warnings.warn('a real warning')\n"
    )
    _, quiet = run(code)
    for message in ("has not been tested", "No GPU support", "TensorRT", "oneDNN"):
        assert message not in quiet
    assert "a real warning" in quiet
    # the same run without it prints them
    _, loud = run(code.replace("quiet_known_warnings(import_nengo_dl=True)", "pass"))
    assert "has not been tested" in loud and "TensorRT" in loud
