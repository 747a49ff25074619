"""The package's structure: its public names, its import graph, its sizes.

The sub-packages are layers (`nengo_lmu.__init__` lists them): each module
imports only modules of its own part or of the parts below it, and nothing
in the package needs TensorFlow or NengoLoihi to import.
"""

import ast
import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import nengo_lmu

# every name that nengo_lmu exported before the sub-packages, and every module
# path that the README, the docs and the examples show
PUBLIC = {
    "nengo_lmu": (
        "PADE_DEGREES LMUCell LMUClassifier LegendreMemory LegendreMemoryNetwork "
        "SimLegendreMemory convert_to_spiking discretize euler_min_theta "
        "impulse_response legendre_readout lmu_eigenvalues lmu_inverse lmu_matvec "
        "lmu_system load_parameters memory_trajectory pade_exp save_parameters "
        "spiking_neuron_type __version__"
    ),
    "nengo_lmu.legendre": "DISCRETIZERS PADE_DEGREES discretize lmu_system",
    "nengo_lmu.memory": (
        "LegendreMemory SimLegendreMemory STRUCTURED_MIN_ORDER uses_structured_step "
        "build_legendre_memory"
    ),
    "nengo_lmu.structured": "STRUCTURED_METHODS structured_update",
    "nengo_lmu.neural_memory": (
        "LegendreMemoryNetwork AxisEncoders coefficient_bounds coefficient_peaks "
        "decode_boost MAPPINGS SCALING_MARGIN"
    ),
    "nengo_lmu.synapse_mapping": (
        "map_continuous_lowpass map_discrete_lowpass map_discrete_synapse "
        "SynapseMapping discrete_transfer_function node_filter"
    ),
    "nengo_lmu.identity": "Identity identity_node build_identity",
    "nengo_lmu.loihi": "LoihiPath DECODE_GAIN model simulator",
    "nengo_lmu.cell": "LMUCell MEMORY_TYPES FEEDBACK_OPTIONS",
    "nengo_lmu.classifier": "LMUClassifier NETWORK_ARGS READOUT_NAMES",
    "nengo_lmu.conversion": "convert_to_spiking spiking_neuron_type",
    "nengo_lmu.parallel": "normalization fold_normalization",
    "nengo_lmu.parameters": (
        "glorot_uniform orthogonal check_parameters save_parameters load_parameters "
        "save_model load_model describe_neuron_type neuron_type_from METADATA_KEY "
        "NEURON_TYPES"
    ),
    "nengo_lmu.keras_io": (
        "load_keras_lmu_model read_keras_lmu_model load_lmu_paper_model "
        "read_lmu_paper_model lmu_layer_weights sha256 PAPER_MODEL_SHA256 "
        "PAPER_MODEL_ACCURACY PAPER_CELL_WEIGHTS ACTIVATIONS HIDDEN_CELLS"
    ),
    "nengo_lmu.datasets": (
        "ENV_VAR MNIST_FILES MIRRORS PERMUTATIONS HOW_TO_GET mnist_directory "
        "load_mnist download_mnist psmnist"
    ),
    "nengo_lmu.paper": (
        "PAPER_MODEL_FILE paper_model_path paper_network evaluate_paper_model"
    ),
    "nengo_lmu.psmnist": (
        "Pipeline Settings QUICK FULL PRETRAINED PRETRAINED_NAMES pretrained "
        "NEURON_TYPES MEMORY_NEURON_TYPES"
    ),
    "nengo_lmu.cli": "main with_settings",
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_still_work(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC[module].split() if not hasattr(imported, name)]
    assert missing == [], f"{module} lost {missing}"


def test_old_paths_are_the_new_objects():
    """The old module paths re-export the objects, not copies."""
    from nengo_lmu.apps.psmnist import pretrained
    from nengo_lmu.cell.keras_models import load_keras_lmu_model
    from nengo_lmu.neurons import LegendreMemoryNetwork

    assert importlib.import_module("nengo_lmu.psmnist").pretrained is pretrained
    keras_io = importlib.import_module("nengo_lmu.keras_io")
    assert keras_io.load_keras_lmu_model is load_keras_lmu_model
    neural_memory = importlib.import_module("nengo_lmu.neural_memory")
    assert neural_memory.LegendreMemoryNetwork is LegendreMemoryNetwork


_spec = importlib.util.spec_from_file_location(
    "import_graph", Path(__file__).resolve().parents[1] / "docs" / "import_graph.py"
)
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)
MODULES = import_graph.modules()
find_cycle = import_graph.find_cycle


def test_no_import_circle_between_modules():
    graph = {name: import_graph.imports_of(name, MODULES) for name in MODULES}
    assert "nengo_lmu.neurons.network" in graph["nengo_lmu.loihi.memory"]  # sees them
    assert find_cycle(graph) is None


def test_no_import_circle_between_parts():
    """The sub-packages are layers: no part imports one that imports it back.
    The top-level package (which imports every part to export its names) and
    the old module paths (re-exports) stand above them all, and the library
    imports neither them nor the applications."""
    graph = import_graph.part_graph(MODULES)
    assert "nengo_lmu.neurons" in graph["nengo_lmu.cell"]  # sees the parts
    assert find_cycle(graph) is None
    reexports = [n for n, p in MODULES.items() if import_graph.is_reexport(p)]
    assert len(reexports) >= 10
    above = {"nengo_lmu.apps", "nengo_lmu.cli"}
    for name in graph.keys() - above:
        assert not graph[name] & above, f"{name} imports {graph[name] & above}"
    for name in MODULES:
        if name != "nengo_lmu" and name not in reexports:
            imported = import_graph.imports_of(name, MODULES)
            assert not imported & set(reexports), f"{name} imports an old path"


def test_module_sizes():
    """One idea a module: none over 500 lines; the cell's class under 350."""
    sizes = {name: len(p.read_text().splitlines()) for name, p in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > 500} == {}
    assert len(inspect.getsourcelines(nengo_lmu.LMUCell)[0]) < 350


def test_core_imports_without_tensorflow_or_nengo_loihi():
    """Importing every module of the core, and using the shipped model,
    imports neither TensorFlow nor NengoLoihi (the NengoDL part, `nengo_lmu.dl`,
    is the one that needs them, and `nengo_lmu.loihi.decode_neurons`, a
    subclass of NengoLoihi's decode neurons that only a NengoLoihi model
    loads)."""
    needs_them = {"nengo_lmu.dl_builders", "nengo_lmu.loihi.decode_neurons"}
    core = sorted(
        name
        for name in MODULES
        if not name.startswith("nengo_lmu.dl") and name not in needs_them
    )
    code = (
        "import sys, importlib\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        "from nengo_lmu.apps.psmnist import pretrained\n"
        "model, info = pretrained()\n"
        "for heavy in ('tensorflow', 'nengo_dl', 'nengo_loihi', 'nengo_lmu.dl'):\n"
        "    assert heavy not in sys.modules, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.rst"))]
PAGES += sorted((ROOT / "docs" / "api").glob("*.rst"))


def resolve(dotted):
    """The object a dotted ``nengo_lmu...`` path names (the longest importable
    module, then attributes)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def test_every_path_the_pages_show_works():
    """Every ``nengo_lmu.<...>`` path in the README and the documentation's
    pages names something that exists."""
    paths = set()
    for page in PAGES:
        paths.update(
            re.findall(r"nengo_lmu(?:\.[A-Za-z_][A-Za-z0-9_]*)+", page.read_text())
        )
    assert len(paths) > 40  # the pages were read
    # the core environments have no NengoDL or NengoLoihi: the parts that
    # import them cannot be imported there
    for package, prefix in (
        ("nengo_dl", "nengo_lmu.dl"),
        ("nengo_loihi", "nengo_lmu.loihi.decode_neurons"),
    ):
        if importlib.util.find_spec(package) is None:
            paths = {p for p in paths if not p.startswith(prefix)}
    broken = []
    for path in sorted(paths):
        try:
            resolve(path.rstrip("."))
        except (ImportError, AttributeError) as error:
            broken.append(f"{path}: {error}")
    assert broken == []


def test_sources_compile_without_warnings():
    """No invalid escape sequences (a warning from Python 3.12 on, an error
    later) or other compile-time warnings in the project's Python files."""
    root = Path(__file__).resolve().parents[1]
    folders = ("nengo_lmu", "benchmarks", "examples", "tools", "tests", "docs")
    noisy = {}
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                tree = compile(path.read_text(), str(path), "exec", ast.PyCF_ONLY_AST)
            messages = [str(w.message) for w in caught]
            # a valid escape that LaTeX meant otherwise: \tau is a tab, \beta a
            # backspace, \frac a form feed, \right a carriage return
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found = set(node.value) & set("\t\b\f\r\v\a")
                    if found and ":math:" in node.value:
                        messages.append(f"line {node.lineno}: {sorted(found)!r}")
            if messages:
                noisy[str(path.relative_to(root))] = messages
    assert noisy == {}
