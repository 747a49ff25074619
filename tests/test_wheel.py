"""Packaging as users get it: the wheel and the sdist build, and the wheel
alone (no extras) installs into a clean environment and runs."""

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# what a build must not see or write into: the environments, git, and the
# outputs of other builds (the list of .gitignore, and .git)
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
    "_build",
    "psmnist-output",
)

# run from outside the checkout, so that the installed package is imported
CHECK = """
import nengo, numpy as np
import nengo_lmu
from nengo_lmu import LegendreMemory, legendre_readout
from nengo_lmu.psmnist import pretrained

assert "site-packages" in nengo_lmu.__file__, nengo_lmu.__file__
with nengo.Network() as net:
    u = nengo.Node(lambda t: np.sin(2 * np.pi * t))
    memory = nengo.Node(LegendreMemory(6, 0.5), size_in=1)
    nengo.Connection(u, memory, synapse=None)
    p = nengo.Probe(memory)
with nengo.Simulator(net, progress_bar=False) as sim:
    sim.run(1.0)
delayed = sim.data[p] @ legendre_readout(6, 1.0).T
t = sim.trange()
late = t > 0.6
error = np.sqrt(np.mean((delayed[late, 0] - np.sin(2 * np.pi * (t[late] - 0.5))) ** 2))
model, info = pretrained()
print("error", error, "units", model.cell.units, "order", model.cell.order)
"""


def test_the_wheel_alone_installs_and_runs(tmp_path):
    # built from a copy of the checkout: setuptools writes build/ and
    # *.egg-info into the source folder, and `make test` runs this test on
    # several Pythons at once
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "nengo_lmu/apps/psmnist/models/psmnist.npz" in names
    assert "nengo_lmu/apps/psmnist/models/psmnist_order256.npz" in names
    assert not any(n.startswith("tests/") for n in names)

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheels[0])],
        check=True,
        capture_output=True,
        timeout=600,
    )
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.lower()
    # the core only: no extras came with it
    assert "nengo-lmu" in listed and "tensorflow" not in listed
    assert "nengo-dl" not in listed and "h5py" not in listed
    out = subprocess.run(
        [str(python), "-c", CHECK],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    error = float(out.split("error")[1].split()[0])
    assert error < 0.05, out
    assert "units 1024 order 512" in out
