"""Load and validate each data file once: results kept by the sha256 of the data they came from.

``@cached`` wraps a function whose first argument is a data folder (a loader or a checker).
Its result is kept under a key made of the function's name, the data folder's path (results
name their files), its other arguments, the sha256 of every file in the data folder and the
sha256 of the package's own code, so a changed data file or a changed line of code gives a new
key and the function runs again. Results are kept
in this process (so notebooks sharing a kernel load once) and on disk under ``outputs/.cache/``
(so the next process, or the next build, reuses them), one folder per data folder, wherever the
data folder lies; the disk keeps the :data:`KEPT_FOLDERS` data folders written last. Callers
receive a copy: changing it never changes what the next caller gets. A pandas result is copied
shallowly, which pandas' copy-on-write makes safe (a change copies what it changes), so a
large table is not copied for every caller.

Nothing is cached when loading or validation fails: a result is kept only when the function
returned (a loader that raises keeps nothing) and reported no problem (a checker's non-empty
list of :class:`~analysis.evidence.readers.Problem` is not kept), so a file with problems is
read again, and reported again, every time. Disk writes wait until the outermost cached call
(or :func:`cached_together` block) ends, and are dropped when anything inside it failed: a
data folder that fails validation leaves nothing on disk, and cannot push a good folder's
results out of the :data:`KEPT_FOLDERS`. A data folder's files are hashed once per outermost
call: the cached calls made inside it (a loader that runs a checker, say) reuse that hash,
since the files do not change while one call runs.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib
import inspect
import os
import pickle
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analysis.evidence.readers import Problem
from analysis.paths import OUTPUTS_DIR, PROJECT_ROOT

CACHE_DIR = OUTPUTS_DIR / ".cache"
KEPT_IN_MEMORY = 32  # results, most recently used first; enough for every loader on two data folders
KEPT_FOLDERS = 8  # data folders with results on disk, most recently written first

Result = TypeVar("Result")
_memory: OrderedDict[str, Any] = OrderedDict()


@dataclass
class _Outermost:
    """What an outermost cached call gathers: each data folder's hash, the disk writes it will
    make, and whether anything inside it failed (then it makes none)."""

    folder_hashes: dict[Path, str] = field(default_factory=dict)
    writes: list[tuple[Path, str, Any]] = field(default_factory=list)
    failed: bool = False


_outermost: _Outermost | None = None  # set while an outermost cached call runs


def files_sha256(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """One sha256 over every file below ``folder`` (path and content), optionally only some suffixes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if suffixes is None or path.suffix in suffixes:
            digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0" + _file_sha256(path).encode("ascii"))
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read every time (a modification time can miss a quick rewrite),
    in chunks, so a large file is never held in memory whole."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """sha256 of the package's code, read once per process."""
    return files_sha256(PROJECT_ROOT / "analysis", suffixes=(".py",))


@contextlib.contextmanager
def cached_together() -> Iterator[None]:
    """Cached calls made inside are one: each data folder is hashed once (its files must not
    change meanwhile), and their disk writes are made at the end, none if any failed. Every
    outermost cached call opens one of these."""
    global _outermost
    if _outermost is not None:
        yield
        return
    _outermost = _Outermost()
    try:
        yield
        if not _outermost.failed:
            for path, key, result in _outermost.writes:
                _write(path, key, result)
    finally:
        _outermost = None


def _reports_problems(result: Any) -> bool:
    """Whether a result is a checker's list of problems with something in it."""
    return isinstance(result, list) and any(isinstance(item, Problem) for item in result)


def cached(function: Callable[..., Result]) -> Callable[..., Result]:
    """Keep ``function``'s results by data and code sha256, in memory and on disk (see the module)."""
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        with cached_together():
            try:
                return _call(*args, **kwargs)
            except BaseException:
                _outermost.failed = True
                raise

    def _call(*args: Any, **kwargs: Any) -> Result:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = list(bound.arguments.items())
        data_dir = Path(arguments[0][1]).resolve()
        hashes = _outermost.folder_hashes
        if data_dir not in hashes:
            hashes[data_dir] = files_sha256(data_dir)
        key = hashlib.sha256(
            "\n".join([name, str(data_dir), repr(arguments[1:]), hashes[data_dir], code_sha256()]).encode("utf-8")
        ).hexdigest()
        if key in _memory:
            _memory.move_to_end(key)
            return _private_copy(_memory[key])
        stored = _disk_path(name, data_dir)
        result = _read(stored, key) if stored else None
        if result is None:
            result = function(*args, **kwargs)
            if _reports_problems(result):
                _outermost.failed = True
                return result
            if stored:
                _outermost.writes.append((stored, key, result))
        _memory[key] = result
        while len(_memory) > KEPT_IN_MEMORY:
            _memory.popitem(last=False)
        return _private_copy(result)

    return wrapper


def _private_copy(result: Result) -> Result:
    """A copy of a kept result that its caller may change: a pandas table or series shallowly
    (copy-on-write copies whatever the caller changes), a list of frozen dataclasses (a
    checker's problems) as a new list of the same items, which cannot be changed, anything
    else deeply."""
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return result.copy(deep=False)
    if isinstance(result, list) and all(_frozen(item) for item in result):
        return list(result)
    return copy.deepcopy(result)


def _frozen(item: Any) -> bool:
    """Whether ``item`` is an instance of a frozen dataclass."""
    return dataclasses.is_dataclass(item) and not isinstance(item, type) and item.__dataclass_params__.frozen


def _disk_path(name: str, data_dir: Path) -> Path | None:
    """One file per function and data folder (so entries are replaced, not piled up); none for
    a folder inside outputs/, whose files are the build's own."""
    if data_dir.is_relative_to(OUTPUTS_DIR):
        return None
    return _folder_cache(data_dir) / f"{name}.pickle"


def _folder_cache(data_dir: Path) -> Path:
    """The disk cache's folder for a data folder (named by its path: relative inside the project)."""
    where = data_dir.relative_to(PROJECT_ROOT) if data_dir.is_relative_to(PROJECT_ROOT) else data_dir
    return CACHE_DIR / hashlib.sha256(str(where).encode("utf-8")).hexdigest()[:12]


def forget(data_dir: Path) -> None:
    """Remove a data folder's results from the disk cache (the next process computes them anew)."""
    shutil.rmtree(_folder_cache(Path(data_dir).resolve()), ignore_errors=True)


def _prune(kept: Path) -> None:
    """Remove the disk cache's folders beyond the :data:`KEPT_FOLDERS` written last (never ``kept``)."""
    try:
        folders = sorted((f for f in CACHE_DIR.iterdir() if f.is_dir() and f != kept), key=lambda f: f.stat().st_mtime, reverse=True)
    except OSError:
        return
    for folder in folders[KEPT_FOLDERS - 1:]:
        shutil.rmtree(folder, ignore_errors=True)


def _read(path: Path, key: str) -> Any | None:
    """The stored result when it was stored under ``key``; None otherwise or when unreadable."""
    try:
        with path.open("rb") as handle:
            stored_key, result = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return result if stored_key == key else None


def _write(path: Path, key: str, result: Any) -> None:
    """Store atomically (write a temporary file, then rename), so a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            pickle.dump((key, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        _prune(path.parent)
    except OSError:
        pass  # a read-only checkout still builds, only without the disk cache
