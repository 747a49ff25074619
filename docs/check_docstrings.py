"""List the public callables of nengo_lmu whose numpydoc docstrings are incomplete.

    python docs/check_docstrings.py

prints one line per problem and exits with status 1 if there is any. Public
means: a module of ``nengo_lmu`` whose name does not start with ``_``; in it,
each function and class defined there (not imported) whose name does not
start with ``_``; in each such class, the methods and properties it defines
itself. Every name in ``nengo_lmu.__all__`` is one of these. The checks are
numpydoc's own (`numpydoc.validate.Validator`):

========= ==================================================================
``GL08``  no docstring
``PR01``  a parameter of the signature is not in ``Parameters`` (a class's
          parameters are its ``__init__``'s, documented on the class)
``PR02``  ``Parameters`` names a parameter that the signature does not have
``RT01``  no ``Returns`` section, though the function returns a value
``YD01``  no ``Yields`` section, though the function is a generator
========= ==================================================================

A module that cannot be imported because an optional dependency is missing
(TensorFlow and NengoDL for ``dl_builders``) is reported as skipped, not as
a problem; `tests/test_docstrings.py` runs these checks in the test suite.
"""

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from numpydoc.docscrape import get_doc_object
from numpydoc.validate import Validator

PACKAGE = "nengo_lmu"
# the packages without which some modules do not import (the extras)
OPTIONAL = ("tensorflow", "nengo_dl", "nengo_loihi", "h5py")


def public_modules():
    """The names of the package's public modules.

    Returns
    -------
    list of str
        Dotted module names (``nengo_lmu.cell``, ``nengo_lmu.cell.cell``,
        ...) of the package and its sub-packages, sorted.
    """
    package = importlib.import_module(PACKAGE)
    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}.")
        if not any(part.startswith("_") for part in info.name.split("."))
    )


def public_objects(module):
    """The public functions, classes, methods and properties of ``module``.

    Parameters
    ----------
    module : module
        An imported module.

    Returns
    -------
    list of (str, object)
        Each object with its dotted name, for functions and classes defined in
        ``module`` and for the methods and properties that those classes
        define themselves. Static and class methods are given as their
        underlying functions.
    """
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            found.append((f"{module.__name__}.{name}", obj))
        elif inspect.isclass(obj):
            found.append((f"{module.__name__}.{name}", obj))
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if inspect.isfunction(member) or isinstance(member, property):
                    found.append((f"{module.__name__}.{name}.{attr}", member))
    return found


def problems(name, obj):
    """The numpydoc problems of one object's docstring (see the module's table).

    Parameters
    ----------
    name : str
        The object's dotted name, for the messages.
    obj : function, class or property
        The object to check.

    Returns
    -------
    list of str
        One ``"name: CODE message"`` line per problem; empty if none.
    """
    validator = Validator(get_doc_object(obj))
    if not validator.raw_doc.strip():
        return [f"{name}: GL08 no docstring"]
    if isinstance(obj, property):
        return []
    errors = []
    # a class's parameters are its constructor's; one that inherits its
    # constructor is documented where that constructor is
    if inspect.isfunction(obj) or "__init__" in vars(obj):
        errors += validator.parameter_mismatches
    if inspect.isfunction(obj):
        if not validator.returns and validator.method_returns_something:
            errors.append(("RT01", "no Returns section, but it returns a value"))
        if not validator.yields and validator.is_generator_function:
            errors.append(("YD01", "no Yields section, but it is a generator"))
    return [
        f"{name}: {code} {message}"
        for code, message in errors
        if code in ("PR01", "PR02", "RT01", "YD01")
    ]


def check(modules=None):
    """Check every public object of ``modules``.

    Parameters
    ----------
    modules : list of str, optional
        Dotted module names; all of `public_modules` by default.

    Returns
    -------
    missing : list of str
        The problems (see `problems`).
    skipped : list of str
        ``"module: reason"`` for each module that needs an optional package
        that is not installed.
    """
    missing, skipped = [], []
    for module_name in public_modules() if modules is None else modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            if (error.name or "").split(".")[0] not in OPTIONAL:
                raise
            skipped.append(f"{module_name}: {error}")
            continue
        for name, obj in public_objects(module):
            missing += problems(name, obj)
    return missing, skipped


def main():
    """Print the problems; the exit status is 1 if there are any.

    Returns
    -------
    int
        The exit status.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    missing, skipped = check()
    for line in skipped:
        print(f"skipped {line}")
    for line in missing:
        print(line)
    print(f"{len(missing)} problems")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
