"""What every benchmark script records and writes, in one place.

The scripts beside this module import it as ``_common`` (Python puts a
script's own folder first on ``sys.path``); no script imports another.

- The run's record: the command line, the date, the machine (CPU model,
  cores, platform, thread settings), the library versions and the state of
  the git checkout (`environment`), and a content hash of the measured
  ``nengo_lmu`` source (`package_state`, `package_line`).
- Formatting: numbers (`fmt`), durations (`duration`), Markdown tables
  (`markdown_table`).
- Output: the JSON and Markdown result files (`write_results`, `read_json`).

Nothing here imports TensorFlow or NengoDL unless asked to (`gpus`):
versions are read from the installed distributions, so that recording them
does not change what a nengo-only benchmark measures (the memory, threads
and builders that importing TensorFlow or NengoDL bring). Importing this
module hides NengoDL's and TensorFlow's known harmless messages
(`nengo_lmu.apps.quiet`), before any benchmark imports TensorFlow.
"""

import datetime
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

from nengo_lmu.apps.quiet import quiet_known_warnings

quiet_known_warnings()

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "docs" / "benchmarks"  # where full runs write by default

# module name -> distribution names to try, for packages that are published
# under more than one name (TensorFlow's CPU and platform builds)
PACKAGES = {
    "numpy": ("numpy",),
    "scipy": ("scipy",),
    "nengo": ("nengo",),
    "nengo_dl": ("nengo-dl",),
    "tensorflow": (
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-macos",
        "tensorflow-intel",
    ),
    "keras_lmu": ("keras-lmu",),
    "nengo_loihi": ("nengo-loihi",),
    "nengo_lmu": ("nengo-lmu",),
}

# environment variables that set how many threads numpy's BLAS and
# TensorFlow use: they change timings as much as the machine does
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


# --------------------------------------------------------------------------
# the run's record


def cpu_model():
    """The CPU model name from ``/proc/cpuinfo``, or `platform.processor`.

    Returns
    -------
    str
        ``"unknown"`` where neither says (``platform.processor()`` is empty
        on most Linux systems, hence ``/proc/cpuinfo`` first).
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions():
    """Python's version and those of the installed libraries that matter here.

    A module that is already imported reports its own ``__version__`` (the
    code that actually ran); any other is looked up in the installed
    distributions' metadata, without importing it.

    Returns
    -------
    dict
        ``python``, then each of `PACKAGES` that is installed, by module name
        (``nengo_dl``, ``tensorflow``, ``nengo_loihi``, ...); packages that
        are not installed are left out.
    """
    found = {"python": platform.python_version()}
    for module, distributions in PACKAGES.items():
        version = getattr(sys.modules.get(module), "__version__", None)
        for name in distributions:
            if version is not None:
                break
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                pass
        if version is not None:
            found[module] = str(version)
    return found


def _git(*args):
    """The output of ``git -C REPO *args``, or None outside a git checkout."""
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def git_state():
    """The checkout's commit and whether the tree has uncommitted changes.

    Returns
    -------
    dict
        ``commit`` (full hash, or None outside a git checkout), ``dirty``
        (bool, or None) and ``changes`` (``git status --porcelain`` lines).
    """
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain")
    changes = None if status is None else status.splitlines()
    return {
        "commit": None if commit is None else commit.strip(),
        "dirty": None if changes is None else bool(changes),
        "changes": changes,
    }


def package_state():
    """The git commit, uncommitted changes and a content hash of ``nengo_lmu``.

    Recorded at the start and the end of a long run: the hash tells whether
    the package's source changed while it was being measured. The package is
    found where ``import nengo_lmu`` would find it, without importing it.

    Returns
    -------
    dict
        ``source_sha1`` (SHA-1 of the package's ``*.py`` files and their
        paths), ``commit`` (short hash) and ``uncommitted`` (the package's
        changed files), the last two None outside a git checkout.
    """
    spec = importlib.util.find_spec("nengo_lmu")
    package = Path(next(iter(spec.submodule_search_locations))).resolve()
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    state = {"source_sha1": digest.hexdigest(), "commit": None, "uncommitted": None}
    try:
        git = ["git", "-C", str(package.parent)]
        state["commit"] = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            [*git, "status", "--porcelain", "--", package.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        state["uncommitted"] = [line[3:] for line in status.splitlines()]
    except (OSError, subprocess.CalledProcessError):
        pass  # not a git checkout
    return state


def package_line(env):
    """Which ``nengo_lmu`` source was measured, and whether it changed meanwhile.

    Parameters
    ----------
    env : dict
        A record with ``package_start`` and ``package_end`` (`package_state`
        at the start and the end of the run).

    Returns
    -------
    str
        One Markdown sentence.
    """
    start, end = env["package_start"], env["package_end"]
    text = f"commit `{start['commit']}`" if start["commit"] else "not a git checkout"
    if start["uncommitted"]:
        text += " with uncommitted changes in " + ", ".join(
            f"`{p}`" for p in start["uncommitted"]
        )
    text += f" (source sha1 `{start['source_sha1'][:12]}`)"
    if end["source_sha1"] != start["source_sha1"]:
        text += (
            f"; **the source changed during the run** (sha1 at the end "
            f"`{end['source_sha1'][:12]}`), so rows may measure different code"
        )
    return text


def gpus():
    """The names of the GPUs that TensorFlow sees (imports TensorFlow).

    Returns
    -------
    list of str
        Empty on a CPU-only machine.
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    return [d.name for d in tf.config.list_physical_devices("GPU")]


def command_line(script, argv=None):
    """The command that reruns this benchmark from the repository root.

    Parameters
    ----------
    script : str or Path
        The benchmark script (its ``__file__``).
    argv : list of str, optional
        Its arguments; ``sys.argv[1:]`` by default (pass the list that
        ``main(argv)`` was given when it was called from Python).

    Returns
    -------
    str
        ``python benchmarks/<script>.py ...``, quoted for a POSIX shell.
    """
    path = Path(script).resolve()
    try:
        path = path.relative_to(REPO)
    except ValueError:
        pass  # a copy outside the repository: keep its absolute path
    args = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(["python", path.as_posix(), *args])


def utc_now():
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def environment(script, argv=None, with_gpus=False):
    """The record of a run: command, date, machine, versions and checkout.

    Parameters
    ----------
    script : str or Path
        The benchmark script (its ``__file__``), for the command line.
    argv : list of str, optional
        Its arguments (see `command_line`).
    with_gpus : bool
        Whether to list TensorFlow's GPUs (``gpus``); this imports
        TensorFlow, so only benchmarks that use it ask.

    Returns
    -------
    dict
        ``command``, ``date``, ``platform``, ``processor``, ``cpu_model``,
        ``cpu_count``, ``threads_env`` (the thread-count variables that are
        set), ``versions`` (see `versions`), ``git`` (see `git_state`) and,
        if asked, ``gpus``. Scripts add their own settings to it.
    """
    env = {
        "command": command_line(script, argv),
        "date": utc_now(),
        "platform": platform.platform(),
        "processor": platform.processor(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "threads_env": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ},
        "versions": versions(),
        "git": git_state(),
    }
    if with_gpus:
        env["gpus"] = gpus()
    return env


def machine_text(env):
    """``"<CPU model> (<n> cores)"``: the machine in a few words."""
    return f"{env['cpu_model']} ({env['cpu_count']} cores)"


def versions_text(env, names=None):
    """``"numpy 1.24.3, nengo 4.1.0"``: the versions in ``env``.

    Parameters
    ----------
    env : dict
        A record from `environment`.
    names : list of str, optional
        The packages to name, in this order (those not recorded are left
        out); all that were recorded by default.
    """
    found = env["versions"]
    names = list(found) if names is None else [n for n in names if n in found]
    return ", ".join(f"{n} {found[n]}" for n in names)


# --------------------------------------------------------------------------
# formatting


def fmt(x, digits=3):
    """A number with ``digits`` significant digits (thousands unabbreviated).

    Parameters
    ----------
    x : float or None
        None gives ``"-"``, for a table cell with nothing measured.
    digits : int
        Significant digits; numbers of ``10**digits`` and above are written
        in full with thousands separators (``12,345``) rather than as
        ``1.23e+04``.
    """
    if x is None:
        return "-"
    if abs(x) >= 10**digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def duration(seconds):
    """Seconds as a short human duration (``"42 s"``, ``"3.5 min"``, ``"2 h"``)."""
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def markdown_table(header, rows):
    """A Markdown table.

    Parameters
    ----------
    header : list of str
        The column names.
    rows : iterable of list of str
        The cells, already formatted.

    Returns
    -------
    str
        The table, without a trailing newline.
    """
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# output


def read_json(path, default=None):
    """The JSON in ``path``, or ``default`` if there is no such file."""
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else default


def write_results(data, markdown, json_path=None, markdown_path=None, log=print):
    """Write the results as JSON and the report as Markdown.

    Parameters
    ----------
    data : dict or list
        The JSON document (scripts put their `environment` record in it).
    markdown : str
        The report.
    json_path, markdown_path : str or Path, optional
        Where to write them; None writes nothing (a ``--quick`` run without
        output options). Missing folders are created.
    log : callable or None
        Called with a line per file written (None: silent, for scripts that
        rewrite their files after each part of a run).
    """
    for path, text in (
        (json_path, json.dumps(data, indent=2) + "\n"),
        (markdown_path, markdown),
    ):
        if path is None:
            continue
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if log is not None:
            log(f"wrote {path}")
