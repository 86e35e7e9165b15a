"""A data folder opened once: every loader, check and analysis reads the data through one object.

A :class:`Data` reads each of its folder's files the first time it is asked for it, through the
readers of :mod:`analysis.evidence.readers` (one decision per format), and keeps what it read; a
loader or check marked :func:`once` runs once per :class:`Data` and arguments. So a file is read,
parsed and validated once for as long as its :class:`Data` lives, and nothing is kept anywhere
else: a new :class:`Data` reads the folder afresh. A command that writes into the folder opens a
new :class:`Data` to read what it wrote.

Callers receive their own copy of whatever is kept (a pandas table shallowly, which pandas'
copy-on-write makes safe; a list of frozen problems as a new list; anything else deeply), so
changing it never changes what the next caller gets; an instance of a frozen dataclass is
shared, since nobody can change it.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analysis.evidence import readers
from analysis.evidence.readers import Problem
from analysis.paths import display_path

Result = TypeVar("Result")


class Data:
    """One data folder, each file read once and each :func:`once` result computed once."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._kept: dict[tuple, Any] = {}

    def __repr__(self) -> str:
        return f"Data({display_path(self.path)!r})"

    def file(self, name: str | Path) -> Path:
        """The path of a file of the folder (``name`` relative to it)."""
        return self.path / name

    def exists(self, name: str | Path) -> bool:
        """Whether the folder holds the file ``name``."""
        return self.file(name).is_file()

    def text(self, name: str | Path, verbatim: bool = False) -> tuple[str | None, list[Problem]]:
        """A text file's content, or its problems (:func:`~analysis.evidence.readers.read_text`)."""
        return self._read(readers.read_text, name, verbatim)

    def yaml(self, name: str | Path, mapping: bool = True) -> tuple[object | None, list[Problem]]:
        """A YAML file's content, or its problems (:func:`~analysis.evidence.readers.read_yaml`)."""
        return self._read(readers.read_yaml, name, mapping)

    def yaml_list(self, name: str | Path, key: str) -> tuple[list, list[Problem]]:
        """The list under ``key`` of an optional YAML file (:func:`~analysis.evidence.readers.read_yaml_list`)."""
        return self._read(readers.read_yaml_list, name, key)

    def csv(self, name: str | Path, allow_no_rows: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
        """A CSV file as text columns (empty cells missing), or its problems (:func:`~analysis.evidence.readers.read_csv`)."""
        return self._read(readers.read_csv, name, allow_no_rows)

    def csv_records(self, name: str | Path, allow_no_rows: bool = False) -> tuple[list[dict[str, str]] | None, list[Problem]]:
        """A CSV file's rows as dictionaries of text (empty cells as ""), or its problems."""
        frame, problems = self.csv(name, allow_no_rows)
        return (None, problems) if frame is None else (frame.fillna("").to_dict("records"), [])

    def table(self, name: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame | None:
        """A CSV file with empty cells as "" (only those of ``columns`` it has, when given), or None
        when it is missing or refused (its own check reports why)."""
        if not self.exists(name):
            return None
        filled = self._keep(("table", str(name)), lambda: _filled(self.csv(name)[0]))
        if filled is None:
            return None
        return filled[[c for c in columns if c in filled.columns] if columns is not None else filled.columns].copy(deep=False)

    def _read(self, reader: Callable[..., tuple[Any, list[Problem]]], name: str | Path, *options: Any) -> tuple[Any, list[Problem]]:
        """``reader``'s result for the file ``name``, read the first time only."""
        return self._keep((reader.__name__, str(name), *options), lambda: reader(self.file(name), *options))

    def _keep(self, key: tuple, compute: Callable[[], Result]) -> Result:
        """The result kept under ``key``, computed the first time; a private copy of it."""
        if key not in self._kept:
            self._kept[key] = compute()
        return private_copy(self._kept[key])


def _filled(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A read table with its missing cells as ""."""
    return None if frame is None else frame.fillna("")


def once(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function`` (a loader or check whose first argument is a :class:`Data`) once per
    :class:`Data` and further arguments; every caller gets its own copy of the result."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(data: Data, *args: Any, **kwargs: Any) -> Result:
        key = (name, repr(args), repr(sorted(kwargs.items())))
        return data._keep(key, lambda: function(data, *args, **kwargs))

    return wrapper


def private_copy(result: Result) -> Result:
    """A copy of a kept result that its caller may change (see the module)."""
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return result.copy(deep=False)
    if isinstance(result, tuple):
        return tuple(private_copy(item) for item in result)
    if isinstance(result, list) and all(_frozen(item) for item in result):
        return list(result)
    if result is None or _frozen(result) or isinstance(result, (str, int, float, bool, Path)):
        return result
    return copy.deepcopy(result)


def _frozen(item: Any) -> bool:
    """Whether ``item`` is an instance of a frozen dataclass."""
    return dataclasses.is_dataclass(item) and not isinstance(item, type) and item.__dataclass_params__.frozen
