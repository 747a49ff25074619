"""Turning the errors of a missing or damaged file into one clear refusal.

A truncated zip, a broken HDF5 file or a configuration that is not JSON
surface from zipfile, h5py and json as ``BadZipFile``, ``OSError`` or
``JSONDecodeError`` with no file name. `readable_file` checks that a file
is there before a reader opens it; `refusing_damage` wraps a reader so
that those errors become a ``ValidationError`` that names the file and
what is wrong with it; `naming_file` does the same for what a model's
constructor refuses in a file's contents.
"""

import contextlib
import os
import zipfile
from pathlib import Path

from nengo.exceptions import ValidationError


def as_path(path, attr="path"):
    """``path`` as a Path, if it is a str or path-like (None and numbers are
    refused by name, instead of os's "expected str, bytes or os.PathLike").

    Parameters
    ----------
    path : object
        The value given for a file's path.
    attr : str
        The argument's name in the error.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValidationError(
            f"must be a file's path (a str or path-like), got {path!r}", attr=attr
        )
    return Path(path)


@contextlib.contextmanager
def naming_file(path, given=()):
    """Refuse, naming ``path``, what building a model from the file's contents
    refuses.

    A file's structure and weights reach the model's constructor, which
    names the bad setting (``LMUCell.order``) but not where it came from;
    inside this context its refusal is raised again with the file's name in
    front. A ``TypeError`` or ``ValueError`` there means that the file
    describes something the constructor cannot take (an unknown option, a
    string for a number) and is refused the same way. A refusal of one of
    the caller's own arguments (``given``) is the caller's, not the file's,
    and passes unchanged.

    Parameters
    ----------
    path : str or path-like
        The file the model is built from.
    given : collection of str
        The arguments that the caller gave beside the file.

    Yields
    ------
    None
    """
    try:
        yield
    except ValidationError as error:
        if str(path) in str(error) or _names_one_of(error, given):
            raise
        raise ValidationError(
            f"{path} does not describe a model that can be built: {error}",
            attr="path",
        ) from error
    except (TypeError, ValueError) as error:
        if _names_one_of(error, given):
            raise
        raise ValidationError(
            f"{path} does not describe a model that can be built: "
            f"{type(error).__name__}: {error}",
            attr="path",
        ) from error


def _names_one_of(error, names):
    """Whether ``error`` is about one of ``names`` (its ``attr``, or a
    keyword it quotes, as "unexpected keyword argument 'lable'" does)."""
    attr = getattr(error, "attr", None)
    return attr in names or any(f"'{name}'" in str(error) for name in names)


def readable_file(path, what, how_to_get=""):
    """``path`` as a Path, if it is a file; otherwise a refusal that says so.

    Parameters
    ----------
    path : str or path-like
        The file.
    what : str
        What the file should be (``"a Keras model file"``).
    how_to_get : str
        Appended to the message of a missing file.

    Returns
    -------
    pathlib.Path
    """
    path = as_path(path)
    if not path.exists():
        message = f"there is no file {path} ({what} was expected there). {how_to_get}"
        raise ValidationError(message.strip(), attr="path")
    if path.is_dir():
        raise ValidationError(f"{path} is a folder, not {what}", attr="path")
    return path


@contextlib.contextmanager
def refusing_damage(path, what):
    """Refuse, naming ``path``, what zipfile, h5py and json raise for a damaged file.

    A ``TypeError`` or ``ValueError`` while reading (a string where the
    configuration has a number) is refused the same way.

    Parameters
    ----------
    path : str or path-like
        The file being read.
    what : str
        What it should be.

    Yields
    ------
    None
    """
    try:
        yield
    except ValidationError:
        raise  # already a refusal that says what is wrong (a ValueError too)
    except (
        # ValueError includes json's JSONDecodeError and UnicodeDecodeError
        TypeError,
        ValueError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
        KeyError,
    ) as error:
        raise ValidationError(
            f"{path} is damaged or is not {what} (an incomplete copy or a broken "
            f"download?): {type(error).__name__}: {error}",
            attr="path",
        ) from error
