"""Run profiles (params/*.yaml): one definition of every parameter, checked before anything runs.

A parameter lives in one place, ``PARAMETERS``: the build passes every one to every notebook,
notebooks hand their whole namespace to :func:`analysis.study.open_study`, and the
README's table is :func:`parameters_markdown`. Every profile is checked here and stops with a
one-line error naming the parameter and what is allowed: first names, types and values
(:func:`check_parameters`), then against the data (:func:`check_against_data`), so a value
that leaves a comparison nothing to compare is refused before any notebook runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.evidence.data import Data
from analysis.evidence.readers import DataValidationError, read_csv_records, read_yaml
from analysis.paths import PROJECT_ROOT, display_path


class ParameterError(ValueError):
    """A run profile names an unknown parameter or gives a value that is not allowed."""


@dataclass(frozen=True)
class Parameter:
    """One run-profile parameter: its type, its default and what it means."""

    kind: type
    default: Any
    description: str
    choices: tuple[str, ...] | None = None
    minimum: int | None = None


DEFAULT_SEED = 20120329  # the date of the Lancaster visioning day; the seed of every run profile and draw unless set

#: The contributions' column behind each ``group_level``.
GROUP_COLUMNS = {"group": "speaker_group", "sector": "speaker_sector"}

PARAMETERS: dict[str, Parameter] = {
    "profile": Parameter(str, "default", "short name of the run profile, shown in the briefing"),
    "description": Parameter(str, "", "one sentence saying what this profile is for"),
    "data_dir": Parameter(str, "data", "folder holding sources/, contributions.csv, codebook.yaml and coding.csv, relative to the project root"),
    "sources": Parameter(list, ["all"], "source ids or source sets to include, or [all]"),
    "group_level": Parameter(str, "group", "compare fine speaker groups or broad sectors", choices=tuple(GROUP_COLUMNS)),
    "theme_level": Parameter(str, "theme", "count themes or individual codes", choices=("theme", "code")),
    "min_cell_n": Parameter(int, 5, "groups with fewer contributions than this are suppressed in tables and figures", minimum=1),
    "min_source_n": Parameter(int, 20, "source sets with fewer contributions than this are reported but not given comparison figures", minimum=1),
    "seed": Parameter(int, DEFAULT_SEED, "random seed for bootstrap, permutation and subsampling", minimum=0),
    "n_bootstrap": Parameter(int, 2000, "bootstrap and permutation resamples", minimum=10),
}


def load_profile(path: Path) -> dict[str, Any]:
    """Read and check a run profile, against its data too (:func:`check_against_data`),
    returning every parameter with defaults filled in."""
    values = read_profile(path)
    return check_against_data(values, Data(PROJECT_ROOT / values["data_dir"]), display_path(Path(path)))


def read_profile(path: Path) -> dict[str, Any]:
    """Read a run profile and check its parameters (:func:`check_parameters`), not yet against
    the data; every parameter with defaults filled in."""
    path = Path(path)
    where = display_path(path)
    if not path.is_file():
        raise ParameterError(f"{where}: no such parameter file")
    raw, problems = read_yaml(path, mapping=False)
    if problems:
        raise ParameterError(f"{where}: {problems[0].message}")
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected a mapping of parameter names to values, such as 'profile: my_run'")
    if not raw:
        raise ParameterError(f"{where}: names no parameters; a profile gives at least its name ('profile: my_run')")
    return check_parameters(raw, where)


def check_parameters(raw: dict[str, Any], where: str = "parameters") -> dict[str, Any]:
    """Check names, types and values; return the complete parameter set."""
    unknown = sorted(set(raw) - set(PARAMETERS))
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter '{unknown[0]}'; allowed: {', '.join(PARAMETERS)}"
        )
    values = {name: raw.get(name, spec.default) for name, spec in PARAMETERS.items()}
    for name, spec in PARAMETERS.items():
        _check_one(name, values[name], spec, where)
    values["sources"] = _check_sources(values["sources"], values["data_dir"], where)
    return values


def _check_one(name: str, value: Any, spec: Parameter, where: str) -> None:
    """Type, choice and minimum checks for one parameter."""
    type_ok = isinstance(value, spec.kind) and not (spec.kind is int and isinstance(value, bool))
    if not type_ok:
        raise ParameterError(
            f"{where}: parameter '{name}' must be {_kind_name(spec.kind)}, got {value!r} ({spec.description})"
        )
    if spec.choices and value not in spec.choices:
        raise ParameterError(
            f"{where}: parameter '{name}' is {value!r}; allowed: {', '.join(spec.choices)}"
        )
    if spec.minimum is not None and value < spec.minimum:
        raise ParameterError(
            f"{where}: parameter '{name}' is {value}; allowed: an integer of at least {spec.minimum}"
        )
    if spec.kind is list and not all(isinstance(item, str) for item in value):
        raise ParameterError(f"{where}: parameter '{name}' must be a list of names, got {value!r}")


def _check_sources(requested: list[str], data_dir: str, where: str) -> list[str]:
    """Resolve source ids and source sets to source ids; every name must select something."""
    catalogue = read_source_catalogue(PROJECT_ROOT / data_dir, where)
    known_sets = sorted({row["source_set"] for row in catalogue})
    known_ids = [row["source_id"] for row in catalogue]
    allowed = ["all", *known_sets, *known_ids]
    if not requested:
        raise ParameterError(f"{where}: parameter 'sources' selects nothing; allowed: {', '.join(allowed)}")
    selected: list[str] = []
    for name in requested:
        if name not in allowed:
            raise ParameterError(
                f"{where}: parameter 'sources' names {name!r}, which selects no source; allowed: {', '.join(allowed)}"
            )
        selected += [row["source_id"] for row in catalogue if name in ("all", row["source_set"], row["source_id"])]
    return [source_id for source_id in known_ids if source_id in selected]


def read_source_catalogue(data_dir: Path, where: str = "parameters") -> list[dict[str, str]]:
    """The rows of <data_dir>/sources/sources.csv (source_id and source_set are required)."""
    catalogue = Path(data_dir) / "sources" / "sources.csv"
    if not catalogue.is_file():
        raise ParameterError(
            f"{where}: parameter 'data_dir' is {display_path(Path(data_dir))!r}, which has no sources/sources.csv"
        )
    records, problems = read_csv_records(catalogue)
    if problems:
        raise ParameterError(f"{where}: parameter 'data_dir': {problems[0]}")
    missing = [column for column in ("source_id", "source_set") if column not in records[0]]
    if missing:
        raise ParameterError(f"{where}: parameter 'data_dir': {display_path(catalogue)} has no column {missing[0]!r}")
    return records


def check_against_data(values: dict[str, Any], data: Data, where: str = "parameters") -> dict[str, Any]:
    """Refuse values that leave the comparison of groups nothing to compare; return ``values``.

    The selected sources must hold contributions, and at least two groups (at the chosen
    ``group_level``) must reach ``min_cell_n``. Data that cannot be loaded is left to the
    data validation, which names every problem.
    """
    from analysis.evidence.loaders import load_contributions

    try:
        contributions = load_contributions(data)
    except DataValidationError:
        return values
    selected = contributions[contributions["source_id"].isin(values["sources"])]
    if selected.empty:
        raise ParameterError(f"{where}: parameter 'sources' selects {', '.join(values['sources'])}, which hold no contributions")
    column = GROUP_COLUMNS[values["group_level"]]
    sizes = selected[column].value_counts()
    if len(sizes) < 2:
        raise ParameterError(
            f"{where}: parameter 'sources' leaves one {values['group_level']} ({sizes.index[0]}), and comparing needs two; "
            "allowed: sources with at least two"
        )
    if (sizes >= values["min_cell_n"]).sum() < 2:
        raise ParameterError(
            f"{where}: parameter 'min_cell_n' is {values['min_cell_n']}, which leaves fewer than two of the "
            f"{len(sizes)} {values['group_level']}s to compare; allowed: at most {int(sizes.iloc[1])} with these sources"
        )
    return values


def _kind_name(kind: type) -> str:
    return {str: "text", int: "an integer", list: "a list"}.get(kind, kind.__name__)


def _allowed(spec: Parameter) -> str:
    """What a parameter allows, in words."""
    if spec.choices:
        return ", ".join(spec.choices)
    if spec.minimum is not None:
        return f"integer ≥ {spec.minimum}"
    return _kind_name(spec.kind)


def describe_parameters() -> list[dict[str, str]]:
    """A table of the parameters for the README and the briefing's methods appendix."""
    return [
        {
            "parameter": name,
            "default": ", ".join(spec.default) if isinstance(spec.default, list) else str(spec.default),
            "allowed": _allowed(spec),
            "meaning": spec.description,
        }
        for name, spec in PARAMETERS.items()
    ]


def parameters_markdown() -> str:
    """The README's parameter table, made from ``PARAMETERS``."""
    rows = ["| parameter | default | allowed | meaning |", "|---|---|---|---|"]
    rows += [f"| `{row['parameter']}` | {row['default']} | {row['allowed']} | {row['meaning']} |" for row in describe_parameters()]
    return "\n".join(rows) + "\n"

