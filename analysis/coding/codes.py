"""The codebook and the coding: loading, validation, reliability samples and reconciliation logs.

Files (in the data folder):

- ``codebook.yaml``: ``version``, ``date``, ``changelog`` (list of {version, date, changes,
  reason}), ``themes`` (each ``id``, ``label``, ``description``) and ``codes`` (each with the
  fields of :data:`CODE_FIELDS`; ``count_in_briefing`` optional). The ``not_codable`` code
  sits in the theme ``none``, which holds nothing else.
- ``coding.csv``: long format, one row per contribution x code x coder, columns
  :data:`CODING_COLUMNS`. ``consensus`` is the agreed coding the analysis uses; the other
  coders are described in ``reliability/README.md`` and the tests in ``reliability/tests.yaml``.
- ``reliability/sample.csv``: the first test's sample; ``reliability/reconciliation.csv``:
  every decision that makes the consensus differ from coder_a, and every decision on a
  disagreement between coder_a and coder_b; later tests' logs (:data:`LATER_RECONCILIATION_COLUMNS`)
  apply after it, in the order of tests.yaml. Blind packets, keys and the returned files of
  later tests are in their folders (:mod:`analysis.coding.blind_test`).
- ``crosswalk_facilitator_themes.csv``: each code mapped to one of the visioning day's nine
  facilitator action themes, or to none (used by :mod:`analysis.coding.reliability`).

Importing this module registers :func:`check_coding` and :func:`check_crosswalk` with
:func:`analysis.evidence.validate.register_check`, so ``python -m analysis validate`` checks the codebook,
the coding, the reconciliation log and the crosswalk once the module is imported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coding.exposure import codebook_overlaps
from analysis.coding.functions import function_problems, read_section_functions, statement_function_ids, without_untested_functions
from analysis.evidence.cache import cached
from analysis.paths import DATA_DIR, display_path
from analysis.evidence.readers import read_csv, read_table, read_yaml
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.vocabulary import CODER_PATTERN
from analysis.evidence.validate import (
    CONTRIBUTIONS_CSV,
    DataValidationError,
    Problem,
    _read_csv,
    _vocabulary_values,
    register_check,
)

CODEBOOK_YAML = "codebook.yaml"
CODING_CSV = "coding.csv"

NOT_CODABLE = "not_codable"
NOT_CODABLE_THEME = "none"
CONSENSUS = "consensus"
FIRST_CODER = "coder_a"  # the coder whose coding, with every logged decision, is the consensus
ORIGINS: dict[str, str] = {
    "deductive": "Taken from the documents' own categories (the themes and headings they print).",
    "inductive": "Found in the data while reading the contributions.",
}

CODE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

#: Columns of coding.csv, defined once (the pandera schema is generated from them).
CODING_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution coded (data/contributions.csv).", pattern=ID_PATTERN),
    Column("code_id", "str", "The code applied (data/codebook.yaml).", pattern=CODE_ID_PATTERN),
    Column("coder", "str", "Who coded: consensus for the agreed coding the analysis uses; any other name is one coder's or one recorded state's rows, declared in data/vocabulary.yaml (coders).", allowed="coders", pattern=CODER_PATTERN),
    Column("memo", "str", "The coder's note on a decision that needed thought; empty otherwise.", required=False),
)

#: Fields of a theme in codebook.yaml.
THEME_FIELDS: tuple[Column, ...] = (
    Column("id", "str", "Stable identifier (lower case, digits, underscores).", unique=True, pattern=CODE_ID_PATTERN),
    Column("label", "str", "Name of the theme."),
    Column("description", "str", "What the theme gathers."),
)

#: Fields of a code in codebook.yaml (MacQueen et al. 1998, plus theme, origin and count_in_briefing).
CODE_FIELDS: tuple[Column, ...] = (
    Column("id", "str", "Stable identifier (short snake_case).", unique=True, pattern=CODE_ID_PATTERN),
    Column("label", "str", "Name of the code."),
    Column("theme", "str", "The theme the code belongs to (a theme id)."),
    Column("brief_definition", "str", "One-line definition."),
    Column("full_definition", "str", "Full definition."),
    Column("use_when", "str", "When to apply the code (cues)."),
    Column("do_not_use_when", "str", "When not to apply it, naming the neighbouring code to use instead."),
    Column("example", "str", "A contribution id that carries the code in the consensus coding.", pattern=ID_PATTERN),
    Column("origin", "str", "deductive or inductive.", allowed=tuple(ORIGINS)),
    Column("count_in_briefing", "bool", "Optional, default true: false keeps the code in the coding but out of the briefing's counts.", required=False),
)

CODEBOOK_TOP_FIELDS = ("version", "date", "changelog", "themes", "codes")
CHANGELOG_FIELDS = ("version", "date", "changes", "reason")

DEFAULT_SEED = 20120329  # the date of the Lancaster visioning day


# --- the codebook ---------------------------------------------------------------------------


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@cached
def check_codebook(data_dir: Path) -> list[Problem]:
    """Problems in codebook.yaml alone: top-level fields, changelog, themes, codes.

    Codes: missing or empty required fields, duplicate id, id not snake_case, unknown theme,
    unknown origin, ``count_in_briefing`` not true/false, no ``not_codable`` code, a theme
    ``none`` holding other codes. Whether each example carries its code is a check across
    files, in :func:`check_coding`.
    """
    path = Path(data_dir) / CODEBOOK_YAML
    content, problems = read_yaml(path)
    if content is None:
        return problems
    shown = display_path(path)
    for field in CODEBOOK_TOP_FIELDS:
        if field not in content:
            problems.append(Problem(shown, None, field, "missing"))
    changelog = content.get("changelog") or []
    if not isinstance(changelog, list) or not changelog:
        problems.append(Problem(shown, None, "changelog", "must be a non-empty list"))
        changelog = []
    for n, entry in enumerate(changelog, start=1):
        for field in CHANGELOG_FIELDS:
            if not isinstance(entry, dict) or _is_blank(entry.get(field)):
                problems.append(Problem(shown, None, f"changelog[{n}].{field}", "missing"))
    if changelog and isinstance(changelog[-1], dict) and str(changelog[-1].get("version")) != str(content.get("version")):
        problems.append(Problem(shown, None, "version", f"{content.get('version')!r} is not the last changelog version {changelog[-1].get('version')!r}"))

    identifier = re.compile(CODE_ID_PATTERN)
    theme_ids: list[str] = []
    themes = content.get("themes") or []
    if not isinstance(themes, list) or not themes:
        problems.append(Problem(shown, None, "themes", "must be a non-empty list"))
        themes = []
    for n, theme in enumerate(themes, start=1):
        where = f"themes[{n}]"
        if not isinstance(theme, dict):
            problems.append(Problem(shown, None, where, "not a mapping"))
            continue
        for field in THEME_FIELDS:
            if _is_blank(theme.get(field.name)):
                problems.append(Problem(shown, None, f"{where}.{field.name}", "missing"))
        theme_id = theme.get("id")
        if theme_id is not None:
            if str(theme_id) in theme_ids:
                problems.append(Problem(shown, None, f"{where}.id", f"duplicate theme id {theme_id!r}"))
            elif not identifier.match(str(theme_id)):
                problems.append(Problem(shown, None, f"{where}.id", f"theme id {theme_id!r} must be lower case letters, digits and underscores"))
            theme_ids.append(str(theme_id))

    codes = content.get("codes") or []
    if not isinstance(codes, list) or not codes:
        problems.append(Problem(shown, None, "codes", "must be a non-empty list"))
        codes = []
    seen: set[str] = set()
    for n, code in enumerate(codes, start=1):
        if not isinstance(code, dict):
            problems.append(Problem(shown, None, f"codes[{n}]", "not a mapping"))
            continue
        code_id = code.get("id")
        where = f"codes[{n}]" if _is_blank(code_id) else f"codes.{code_id}"
        for field in CODE_FIELDS:
            if field.required and _is_blank(code.get(field.name)):
                problems.append(Problem(shown, None, f"{where}.{field.name}", "missing"))
        if not _is_blank(code_id):
            if str(code_id) in seen:
                problems.append(Problem(shown, None, f"{where}.id", f"duplicate code id {code_id!r}"))
            elif not identifier.match(str(code_id)):
                problems.append(Problem(shown, None, f"{where}.id", f"code id {code_id!r} must be short snake_case"))
            seen.add(str(code_id))
        theme = code.get("theme")
        if not _is_blank(theme) and str(theme) not in theme_ids:
            problems.append(Problem(shown, None, f"{where}.theme", f"unknown theme {theme!r} (not among the codebook's themes)"))
        if str(theme) == NOT_CODABLE_THEME and code_id != NOT_CODABLE:
            problems.append(Problem(shown, None, f"{where}.theme", f"the theme {NOT_CODABLE_THEME!r} is only for {NOT_CODABLE}"))
        origin = code.get("origin")
        if not _is_blank(origin) and origin not in ORIGINS:
            problems.append(Problem(shown, None, f"{where}.origin", f"unknown origin {origin!r} (allowed: {', '.join(ORIGINS)})"))
        if "count_in_briefing" in code and not isinstance(code["count_in_briefing"], bool):
            problems.append(Problem(shown, None, f"{where}.count_in_briefing", "must be true or false"))
        example = code.get("example")
        if not _is_blank(example) and not re.match(ID_PATTERN, str(example)):
            problems.append(Problem(shown, None, f"{where}.example", f"{example!r} is not a contribution id"))
    if codes and NOT_CODABLE not in seen:
        problems.append(Problem(shown, None, "codes", f"no {NOT_CODABLE!r} code"))
    return problems


@cached
def load_codebook(data_dir: Path = DATA_DIR) -> dict:
    """codebook.yaml as a dict, after :func:`check_codebook` (raises DataValidationError)."""
    problems = check_codebook(Path(data_dir))
    if problems:
        raise DataValidationError(problems)
    content, _ = read_yaml(Path(data_dir) / CODEBOOK_YAML)
    return content


def code_ids(codebook: dict, counted_only: bool = False) -> list[str]:
    """The code ids in codebook order; ``counted_only`` leaves out not_codable and codes marked
    ``count_in_briefing: false``."""
    return [
        str(code["id"]) for code in codebook["codes"]
        if not counted_only or (code["id"] != NOT_CODABLE and code.get("count_in_briefing", True))
    ]


# --- the coding -------------------------------------------------------------------------------


def _contribution_ids(data_dir: Path) -> pd.Index | None:
    """The contribution ids of contributions.csv in file order, read without validating it (None if unreadable)."""
    frame = read_table(Path(data_dir) / CONTRIBUTIONS_CSV, ["contribution_id"])
    if frame is None or "contribution_id" not in frame:
        return None
    return pd.Index(frame["contribution_id"])


def _coding_schema_problems(data_dir: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """coding.csv and its schema problems, a coder not declared in vocabulary.yaml among them."""
    return _read_csv(Path(data_dir) / CODING_CSV, CODING_COLUMNS, _vocabulary_values(Path(data_dir)))


@dataclass(frozen=True)
class _Column:
    """A column as integer codes into its distinct values (an empty cell is the value ""), so
    rows are compared, grouped and looked up as integers."""

    codes: np.ndarray
    values: pd.Index
    empty: np.ndarray  # over values: which one stands for empty cells

    @classmethod
    def of(cls, series: pd.Series) -> _Column:
        """The column ``series`` factorised."""
        codes, values = pd.factorize(series, use_na_sentinel=False)
        values = pd.Index(values)
        return cls(codes, values.fillna(""), np.asarray(values.isna()))

    def missing(self) -> np.ndarray:
        """Rows whose cell is empty."""
        return self.empty[self.codes]

    def isin(self, allowed) -> np.ndarray:
        """Rows whose value is among ``allowed``."""
        return np.asarray(self.values.isin(allowed))[self.codes]

    def equals(self, value: str) -> np.ndarray:
        """Rows whose value is ``value``."""
        return self.codes == self.values.get_indexer([value])[0]

    def at(self, rows: np.ndarray) -> list[str]:
        """The values of the given rows."""
        return self.values[self.codes[rows]].tolist()


def _coded(frame: pd.DataFrame) -> dict[str, _Column]:
    """The id columns of coding rows that are present, as :class:`_Column`."""
    return {name: _Column.of(frame[name]) for name in ("contribution_id", "code_id", "coder") if name in frame.columns}


def _marked(size: int, positions: np.ndarray) -> np.ndarray:
    """``size`` booleans, true at ``positions`` (those that are not -1)."""
    marked = np.zeros(size, dtype=bool)
    marked[positions[positions >= 0]] = True
    return marked


def _coding_row_problems(columns: dict[str, _Column], shown: str, known_codes: set[str] | None, known_contributions: np.ndarray | None) -> list[Problem]:
    """Row problems of coding.csv, in row order: an unknown code (when the codebook could be
    read), an unknown contribution id (when contributions.csv could be read: ``known_contributions``
    says which of the contribution_id column's distinct values are), a duplicate of an earlier
    row (same contribution, code and coder)."""
    found: list[tuple[int, int, Problem]] = []  # (row, check, problem), sorted at the end
    if "code_id" in columns and known_codes is not None:
        code = columns["code_id"]
        unknown = np.flatnonzero(~code.missing() & ~code.isin(known_codes))
        found += [(row + 1, 0, Problem(shown, row + 1, "code_id", f"unknown code {value!r} (not in {CODEBOOK_YAML})"))
                  for row, value in zip(unknown.tolist(), code.at(unknown))]
    if "contribution_id" in columns and known_contributions is not None:
        cid = columns["contribution_id"]
        unknown = np.flatnonzero(~cid.missing() & ~known_contributions[cid.codes])
        found += [(row + 1, 1, Problem(shown, row + 1, "contribution_id", f"unknown contribution_id {value!r} (not in {CONTRIBUTIONS_CSV})"))
                  for row, value in zip(unknown.tolist(), cid.at(unknown))]
    key = ("contribution_id", "code_id", "coder")
    if set(key) <= set(columns):
        complete = np.flatnonzero(~np.logical_or.reduce([columns[name].missing() for name in key]))
        row_key = _row_keys([columns[name] for name in key], complete)
        repeated = pd.Series(row_key).duplicated(keep="first").to_numpy()
        if repeated.any():
            first = pd.Series(complete).groupby(row_key, sort=False).transform("min").to_numpy()
            rows = complete[repeated]
            found += [(row + 1, 2, Problem(shown, row + 1, None, f"duplicate row: {cid} / {code} / {coder} is also row {earlier + 1}"))
                      for row, earlier, cid, code, coder in zip(rows.tolist(), first[repeated].tolist(), *(columns[name].at(rows) for name in key))]
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]


def _row_keys(columns: list[_Column], rows: np.ndarray) -> np.ndarray:
    """One integer per row (of ``rows``) that is equal for rows equal in every column."""
    key = np.zeros(len(rows), dtype=np.int64)
    for column in columns:
        if (int(key.max(initial=0)) + 1) * len(column.values) >= 2**63:
            key = pd.factorize(key)[0]  # renumbered from 0, so that the product fits
        key = key * len(column.values) + column.codes[rows]
    return key


def _not_codable_combined(cid: _Column, code: _Column, consensus: np.ndarray, functions: list[str]) -> list[tuple[str, list[str]]]:
    """(contribution, its other codes) for every contribution whose consensus codes (statement
    functions aside) combine not_codable with another code, by contribution id."""
    rows = consensus & ~code.missing() & ~code.isin(functions)
    pairs = pd.DataFrame({"cid": cid.codes[rows], "code": code.codes[rows]}).drop_duplicates()
    not_codable = pairs["code"] == code.values.get_indexer([NOT_CODABLE])[0]
    combined = pairs["cid"].isin(pairs.loc[not_codable, "cid"]) & pairs["cid"].duplicated(keep=False)
    others = pairs[combined & ~not_codable]
    found = pd.DataFrame({"cid": cid.values[others["cid"]], "code": code.values[others["code"]]})
    return sorted((name, sorted(group.tolist())) for name, group in found.groupby("cid")["code"])


def _codes_of(cid: _Column, code: _Column, consensus: np.ndarray, contributions: set[str]) -> dict[str, set[str]]:
    """The consensus codes of the given contributions (those with none left out)."""
    rows = np.flatnonzero(consensus & cid.isin(contributions) & ~code.missing())
    codes_of: dict[str, set[str]] = {}
    for name, value in zip(cid.at(rows), code.at(rows)):
        codes_of.setdefault(name, set()).add(value)
    return codes_of


@cached
def check_coding(data_dir: Path) -> list[Problem]:
    """Problems in the codebook and the coding, and between them and the contributions.

    The codebook's own problems (:func:`check_codebook`); in coding.csv: missing or unexpected
    columns, empty cells, an unknown code, an unknown contribution id, an unknown coder, a
    duplicate row (same contribution, code and coder), a contribution with no consensus code,
    a consensus row combining not_codable with another code; in the codebook: an example that
    is not a known contribution or does not carry its code in the consensus coding.
    """
    data_dir = Path(data_dir)
    problems = check_codebook(data_dir)
    codebook, _ = read_yaml(data_dir / CODEBOOK_YAML)
    known_codes = {str(c.get("id")) for c in (codebook or {}).get("codes") or [] if isinstance(c, dict)}
    functions = statement_function_ids(codebook or {})
    known_codes |= set(functions)
    contribution_ids = _contribution_ids(data_dir)
    frame, coding_problems = _coding_schema_problems(data_dir)
    problems += coding_problems
    if frame is None:
        return problems
    shown = display_path(data_dir / CODING_CSV)
    columns = _coded(frame)
    # where each contribution's id is among coding.csv's (-1: nowhere), found once for both directions
    where = columns["contribution_id"].values.get_indexer(contribution_ids) if contribution_ids is not None and "contribution_id" in columns else None
    problems += _coding_row_problems(columns, shown, known_codes if codebook is not None else None,
                                     _marked(len(columns["contribution_id"].values), where) if where is not None else None)
    if len(columns) < 3:
        return problems
    cid, code, coder = columns["contribution_id"], columns["code_id"], columns["coder"]
    consensus = coder.equals(CONSENSUS) & ~cid.missing()
    if where is not None:
        lacking = ~_marked(len(cid.values), cid.codes[consensus])[where] | (where < 0)
        problems += [Problem(shown, None, "contribution_id", f"contribution {name} has no consensus code") for name in contribution_ids[lacking].tolist()]
    if codebook is None:  # without a codebook, functions are not told from codes
        return problems
    problems += [Problem(shown, None, "code_id", f"contribution {name}: {NOT_CODABLE} combined with other consensus codes ({', '.join(others)})")
                 for name, others in _not_codable_combined(cid, code, consensus, functions)]
    problems += _example_problems(data_dir, codebook, cid, code, consensus, contribution_ids)
    return problems + _reconciliation_problems(data_dir, columns)


def _example_problems(data_dir: Path, codebook: dict, cid: _Column, code: _Column, consensus: np.ndarray, contribution_ids: pd.Index | None) -> list[Problem]:
    """Each codebook example that is not a known contribution or does not carry its code in the consensus coding."""
    book = display_path(data_dir / CODEBOOK_YAML)
    entries = [entry for entry in codebook.get("codes") or [] if isinstance(entry, dict) and not _is_blank(entry.get("example"))]
    codes_of = _codes_of(cid, code, consensus, {str(entry["example"]) for entry in entries})
    known = set(contribution_ids[contribution_ids.isin([str(entry["example"]) for entry in entries])]) if contribution_ids is not None else set()
    problems = []
    for entry in entries:
        example, code_id = str(entry["example"]), str(entry.get("id"))
        if contribution_ids is not None and example not in known:
            problems.append(Problem(book, None, f"codes.{code_id}.example", f"unknown contribution id {example!r}"))
        elif code_id not in codes_of.get(example, set()):
            problems.append(Problem(book, None, f"codes.{code_id}.example", f"{example} does not carry {code_id} in the consensus coding"))
    return problems


register_check(check_coding)


@cached
def check_statement_functions(data_dir: Path) -> list[Problem]:
    """Problems with the statement functions in coding.csv (consensus and coder_a rows): by
    the rule of :mod:`analysis.coding.functions`, exactly one function per contribution in a
    section whose function is coded, none in a section that fixes it. A data folder without
    a vocabulary has no problem here."""
    data_dir = Path(data_dir)
    try:
        section_function = read_section_functions(data_dir)
    except DataValidationError:
        return []  # the vocabulary's own check reports it
    codebook, _ = read_yaml(data_dir / CODEBOOK_YAML)
    if not section_function or codebook is None:
        return []
    coding_path = data_dir / CODING_CSV
    contributions = read_table(data_dir / CONTRIBUTIONS_CSV, ["contribution_id", "section"])
    coding = read_table(coding_path, ["contribution_id", "code_id", "coder"])
    if contributions is None or coding is None:
        return []
    if not {"contribution_id", "section"} <= set(contributions.columns) or not {"contribution_id", "code_id", "coder"} <= set(coding.columns):
        return []
    shown = display_path(coding_path)
    function_ids = statement_function_ids(codebook)
    coding = coding[coding["code_id"].isin(function_ids)]  # the rule looks at no other row
    problems = []
    for coder in ("coder_a", CONSENSUS):
        rows = coding[coding["coder"] == coder]
        problems += [Problem(shown, None, "code_id", f"{coder} {cid}: {message}")
                     for cid, message in function_problems(contributions, rows, section_function, function_ids)]
    return problems


register_check(check_statement_functions)


@cached
def load_coding(data_dir: Path = DATA_DIR, coder: str | None = None) -> pd.DataFrame:
    """coding.csv after :func:`check_coding` (raises DataValidationError), as text columns with
    empty memos as ''. ``coder`` keeps one coder's rows (a coder with no rows raises ValueError)."""
    data_dir = Path(data_dir)
    problems = check_coding(data_dir)
    if problems:
        raise DataValidationError(problems)
    frame = read_table(data_dir / CODING_CSV)
    if coder is not None:
        if coder not in set(frame["coder"]):
            raise ValueError(f"unknown coder {coder!r} (coders in {CODING_CSV}: {', '.join(sorted(set(frame['coder'])))})")
        frame = frame[frame["coder"] == coder].reset_index(drop=True)
    return frame


def write_coding(frame: pd.DataFrame, path: Path) -> None:
    """Write coding rows in the fixed column order, sorted by coder, then contribution order is
    kept as given (stable), with LF line ends and minimal quoting."""
    columns = [c.name for c in CODING_COLUMNS]
    out = frame[columns].fillna("")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


RECONCILIATION_CSV = "reliability/reconciliation.csv"

#: Columns of reliability/reconciliation.csv: every difference between coder_a and the consensus,
#: and every decision on a disagreement between coder_a and coder_b.
RECONCILIATION_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution.", pattern=ID_PATTERN),
    Column("code_id", "str", "The code decided on.", pattern=CODE_ID_PATTERN),
    Column("coder_a", "str", "Whether coder_a applied the code.", allowed=("present", "absent")),
    Column("coder_b", "str", "Whether coder_b applied the code; 'not coded' outside the reliability sample.", allowed=("present", "absent", "not coded")),
    Column("decision", "str", "Whether the consensus carries the code.", allowed=("present", "absent")),
    Column("reason", "str", "Why: a coder's error or omission against the codebook, or a codebook revision (named by version)."),
)


def build_consensus(coding: pd.DataFrame, reconciliation: pd.DataFrame, base: str = "coder_a") -> pd.DataFrame:
    """The consensus rows: ``base``'s codes for every contribution with each reconciliation
    decision applied (present: the code is added, absent: removed). Memos: the base coder's
    memo where the code is kept, the reconciliation reason where it was added. Rows keep the
    base coder's order, added codes after the contribution's other codes."""
    decided = {(r.contribution_id, r.code_id): (r.decision, r.reason) for r in reconciliation.itertuples()}
    rows = coding[coding["coder"] == base]
    out: list[dict] = []
    by_contribution: dict[str, list[dict]] = {}
    for record in rows.to_dict("records"):
        by_contribution.setdefault(record["contribution_id"], []).append(record)
    added: dict[str, list[tuple[str, str]]] = {}
    for (cid, code), (decision, reason) in decided.items():
        if decision == "present" and not any(r["code_id"] == code for r in by_contribution.get(cid, [])):
            added.setdefault(cid, []).append((code, reason))
    for cid in list(by_contribution) + [c for c in added if c not in by_contribution]:
        for record in by_contribution.get(cid, []):
            if decided.get((cid, record["code_id"]), ("present",))[0] == "absent":
                continue
            out.append({"contribution_id": cid, "code_id": record["code_id"], "coder": CONSENSUS, "memo": record.get("memo", "") or ""})
        for code, reason in added.get(cid, []):
            out.append({"contribution_id": cid, "code_id": code, "coder": CONSENSUS, "memo": f"Reconciliation: {reason}"})
    return pd.DataFrame.from_records(out, columns=[c.name for c in CODING_COLUMNS])


#: Columns of a later test's reconciliation log (reliability/<test folder>/reconciliation.csv,
#: named by the test's ``reconciliation`` in reliability/tests.yaml): each decision changes the
#: consensus as it stood after every earlier log.
LATER_RECONCILIATION_COLUMNS: tuple[Column, ...] = (
    Column("contribution_id", "str", "The contribution.", pattern=ID_PATTERN),
    Column("code_id", "str", "The code or statement function decided on.", pattern=CODE_ID_PATTERN),
    Column("before", "str", "Whether the consensus carried it before this decision.", allowed=("present", "absent")),
    Column("second_coder", "str", "Whether the test's second coder applied it; 'not coded' outside the test's sample.", allowed=("present", "absent", "not coded")),
    Column("decision", "str", "Whether the consensus carries it now.", allowed=("present", "absent")),
    Column("reason", "str", "Why, by the codebook's rules (a coder's slip, or a codebook revision named by version)."),
)
TESTS_YAML = "reliability/tests.yaml"


#: Fields of a test in reliability/tests.yaml: required text fields, then optional ones and their types.
TEST_TEXT_FIELDS = ("id", "codebook_version", "sample", "reference", "second_coder")
TEST_OPTIONAL_FIELDS = {"reconciliation": str, "scope": str, "current": bool, "blind": bool, "note": str,
                        "reference_snapshot": str, "later_reference": str, "adjudication": str}
TEST_SCOPES = ("functions",)


@cached
def check_reliability_tests(data_dir: Path) -> list[Problem]:
    """Problems of reliability/tests.yaml (none when the data record no test): each test's
    fields and their types, exactly one current test, a known scope, and each sample file
    readable with a ``contribution_id`` column of known contributions; a named reconciliation
    log must exist (its rows are checked with the coding)."""
    path = Path(data_dir) / TESTS_YAML
    if not path.exists():
        return []
    content, problems = read_yaml(path)
    if content is None:
        return problems
    shown = display_path(path)
    tests = content.get("tests")
    if not isinstance(tests, list) or not tests:
        return [Problem(shown, None, "tests", "missing or not a non-empty list")]
    known = _contribution_ids(data_dir)
    for n, test in enumerate(tests):
        where = f"tests[{n}]"
        if not isinstance(test, dict):
            problems.append(Problem(shown, None, where, "not a mapping"))
            continue
        for name in TEST_TEXT_FIELDS:
            if not isinstance(test.get(name), str) or not test[name].strip():
                problems.append(Problem(shown, None, f"{where}.{name}", "missing or not text"))
        for name in sorted(set(test) - set(TEST_TEXT_FIELDS) - set(TEST_OPTIONAL_FIELDS)):
            problems.append(Problem(shown, None, f"{where}.{name}", f"unknown field (allowed: {', '.join([*TEST_TEXT_FIELDS, *TEST_OPTIONAL_FIELDS])})"))
        for name, kind in TEST_OPTIONAL_FIELDS.items():
            if name in test and not isinstance(test[name], kind):
                problems.append(Problem(shown, None, f"{where}.{name}", f"{test[name]!r} is not {'true or false' if kind is bool else 'text'}"))
        if "scope" in test and test["scope"] not in TEST_SCOPES:
            problems.append(Problem(shown, None, f"{where}.scope", f"unknown scope {test['scope']!r} (allowed: {', '.join(TEST_SCOPES)})"))
        if isinstance(test.get("reconciliation"), str) and not (Path(data_dir) / test["reconciliation"]).is_file():
            problems.append(Problem(shown, None, f"{where}.reconciliation", f"no file {test['reconciliation']}"))
        if isinstance(test.get("sample"), str) and test["sample"].strip():
            frame, found = read_csv(Path(data_dir) / test["sample"])
            if frame is None:
                problems += found
            elif "contribution_id" not in frame.columns:
                problems.append(Problem(display_path(Path(data_dir) / test["sample"]), None, "contribution_id", "missing column"))
            elif known is not None:
                sample_shown = display_path(Path(data_dir) / test["sample"])
                unknown = ~frame["contribution_id"].isin(known).to_numpy()
                problems += [Problem(sample_shown, row, "contribution_id", f"unknown contribution_id {cid!r} (not in {CONTRIBUTIONS_CSV})")
                             for row, cid in zip((np.flatnonzero(unknown) + 1).tolist(), frame["contribution_id"][unknown].tolist())]
    if sum(bool(test.get("current")) for test in tests if isinstance(test, dict)) != 1:
        problems.append(Problem(shown, None, "tests", "exactly one test must be marked current: true"))
    return problems


register_check(check_reliability_tests)


@cached
def check_frozen_references(data_dir: Path) -> list[Problem]:
    """Each test with a ``reference_snapshot``: the reference coder's rows on the test's sample
    in coding.csv must be exactly the snapshot's (rows whose ``origin`` is ``heading`` are the
    section rule's, not coding rows), so a reference cannot change after its packet went out."""
    data_dir = Path(data_dir)
    if not (data_dir / TESTS_YAML).exists() or check_reliability_tests(data_dir):
        return []  # the tests' own check reports it
    coding = read_table(data_dir / CODING_CSV, ["contribution_id", "code_id", "coder"])
    if coding is None:
        return []
    problems = []
    for test in read_yaml(data_dir / TESTS_YAML)[0]["tests"]:
        if not test.get("reference_snapshot"):
            continue
        path = data_dir / test["reference_snapshot"]
        snapshot, found = read_csv(path)
        if snapshot is None or not {"contribution_id", "code_id"} <= set(snapshot.columns):
            problems += found or [Problem(display_path(path), None, "contribution_id, code_id", "missing column")]
            continue
        if "origin" in snapshot.columns:
            snapshot = snapshot[snapshot["origin"] != "heading"]
        ids = set(read_csv(data_dir / test["sample"])[0]["contribution_id"])
        rows = coding[(coding["coder"] == test["reference"]) & coding["contribution_id"].isin(ids)]
        frozen, now = set(zip(snapshot["contribution_id"], snapshot["code_id"])), set(zip(rows["contribution_id"], rows["code_id"]))
        changed = sorted(frozen ^ now)
        if changed:
            shown = ", ".join(f"{'+' if pair in now else '-'}{pair[0]}/{pair[1]}" for pair in changed[:5])
            problems.append(Problem(display_path(data_dir / CODING_CSV), None, "coder",
                                    f"{test['id']}: {test['reference']}'s rows differ from the reference frozen in {test['reference_snapshot']} "
                                    f"({len(changed)} row(s): {shown}{', ...' if len(changed) > 5 else ''}); a reference may not change after its packet"))
    return problems


register_check(check_frozen_references)


@cached
def check_codebook_overlaps(data_dir: Path) -> list[Problem]:
    """Every codebook rule or definition that repeats six consecutive words of a contribution
    (or the whole of a short one) that is not a declared example of the codebook
    (:func:`analysis.coding.exposure.codebook_overlaps`): it would show a coder the answer."""
    data_dir = Path(data_dir)
    codebook, _ = read_yaml(data_dir / CODEBOOK_YAML)
    contributions = read_table(data_dir / CONTRIBUTIONS_CSV, ["contribution_id", "text"])
    if not isinstance(codebook, dict) or contributions is None or not {"contribution_id", "text"} <= set(contributions.columns):
        return []  # their own checks report it
    overlaps = codebook_overlaps(codebook, dict(zip(contributions["contribution_id"], contributions["text"])))
    overlaps = overlaps[~overlaps["declared_example"]]
    return [Problem(display_path(data_dir / CODEBOOK_YAML), None, where, f"repeats the words of {cid} (\"{phrase}\"): reword it, or make {cid} a declared example")
            for where, cid, phrase in zip(overlaps["where"], overlaps["contribution_id"], overlaps["words"])]


register_check(check_codebook_overlaps)


def later_reconciliations(data_dir: Path) -> list[tuple[dict, Path]]:
    """(test, log path) for every test in reliability/tests.yaml that names a reconciliation log, in order."""
    path = Path(data_dir) / TESTS_YAML
    if not path.exists():
        return []
    content, _ = read_yaml(path)
    return [(test, Path(data_dir) / test["reconciliation"]) for test in (content or {}).get("tests", []) if test.get("reconciliation")]


def _fixed_function_ids(data_dir: Path) -> pd.Series | None:
    """Contributions whose section fixes their statement function (data/vocabulary.yaml): the
    rule decides it, so a second coder's function there is no disagreement to reconcile. None
    when the vocabulary or contributions.csv cannot be read (their own checks report it)."""
    try:
        section_function = read_section_functions(Path(data_dir))
    except DataValidationError:
        return None
    contributions = read_table(Path(data_dir) / CONTRIBUTIONS_CSV, ["contribution_id", "section"])
    if not section_function or contributions is None or not {"contribution_id", "section"} <= set(contributions.columns):
        return None
    return contributions.loc[contributions["section"].map(section_function).notna(), "contribution_id"]


@dataclass(frozen=True)
class _PairSpace:
    """(contribution_id, code_id) pairs as integer keys, contribution index * number of codes +
    code index, over the ids of the coding and of its logs: sets of pairs become integer arrays."""

    contributions: pd.Index
    codes: pd.Index

    @classmethod
    def of(cls, cid: _Column, code: _Column, logs: list[pd.DataFrame]) -> _PairSpace:
        def extended(values: pd.Index, more: pd.Series) -> pd.Index:
            more = pd.Index(more.unique())
            return values.append(more[values.get_indexer(more) < 0])
        return cls(extended(cid.values, pd.concat([log["contribution_id"] for log in logs])),
                   extended(code.values, pd.concat([log["code_id"] for log in logs])))

    def keys(self, cid: _Column, code: _Column) -> np.ndarray:
        """The key of each coding row."""
        return cid.codes.astype(np.int64) * len(self.codes) + code.codes

    def log_keys(self, log: pd.DataFrame) -> np.ndarray:
        """The key of each row of a reconciliation log."""
        return self.contributions.get_indexer(log["contribution_id"]).astype(np.int64) * len(self.codes) + self.codes.get_indexer(log["code_id"])

    def contribution(self, keys: np.ndarray) -> np.ndarray:
        """The contribution index of each key."""
        return keys // len(self.codes)

    def code(self, keys: np.ndarray) -> np.ndarray:
        """The code index of each key."""
        return keys % len(self.codes)

    def pairs(self, keys: np.ndarray) -> list[tuple[str, str]]:
        """The (contribution_id, code_id) pairs of ``keys``, sorted."""
        return sorted(zip(self.contributions[self.contribution(keys)].tolist(), self.codes[self.code(keys)].tolist()))


def _member(keys: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Whether each key is one of ``of`` (hashing the fewer: a few keys are looked up among many
    by first keeping those of the many that are keys)."""
    if len(of) > len(keys):
        of = of[pd.Series(of, copy=False).isin(keys).to_numpy()]
    return pd.Series(keys, copy=False).isin(of).to_numpy()


def _minus(keys: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The distinct keys that are not in ``other``."""
    keys = pd.unique(keys)
    return keys[~_member(keys, other)]


def _union(distinct: np.ndarray, more: np.ndarray) -> np.ndarray:
    """The distinct keys of both (``distinct`` has no key twice; ``more`` are few)."""
    return np.concatenate([distinct, _minus(more, distinct)])


def _differences(keys: np.ndarray, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys only in ``keys`` and those only in ``distinct`` (which has no key twice;
    the second is looked for only when fewer of its keys are in ``keys`` than it has)."""
    keys = pd.unique(keys)
    found = _member(keys, distinct)
    return keys[~found], (_minus(distinct, keys) if found.sum() < len(distinct) else distinct[:0])


def _first_consensus(base: np.ndarray, keys: np.ndarray, decisions: pd.Series) -> np.ndarray:
    """The consensus of :func:`build_consensus` as keys: ``base``'s less those decided absent,
    plus those decided present (a later decision on the same pair overrides an earlier one)."""
    last = ~pd.Series(keys).duplicated(keep="last").to_numpy()
    present = (decisions == "present").to_numpy()
    return _union(_minus(base, keys[last & ~present]), keys[last & present])


def _applied(consensus: np.ndarray, keys: np.ndarray, decisions: pd.Series) -> np.ndarray:
    """The consensus after a later log's decisions (present: added, absent: removed unless also added)."""
    present = (decisions == "present").to_numpy()
    return _union(_minus(consensus, keys[~present]), keys[present])


def _presence(keys: np.ndarray, coded: np.ndarray, space: _PairSpace, units: np.ndarray | None = None) -> np.ndarray:
    """For each key: "present" when among ``coded``, else "absent", or "not coded" when its
    contribution is not among ``units``."""
    value = np.where(_member(keys, coded), "present", "absent").astype(object)
    if units is not None:
        value[~_member(space.contribution(keys), units)] = "not coded"
    return value


def _disagreements(space: _PairSpace, reference: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The distinct keys coded by only one of two coders, on the contributions the second coded."""
    reference = reference[_member(space.contribution(reference), pd.unique(space.contribution(second)))]
    return np.concatenate([_minus(reference, second), _minus(second, reference)])


def _value_problems(log: pd.DataFrame, shown: str, checks: list[tuple[str, np.ndarray, Callable[[int], str]]]) -> list[Problem]:
    """A problem for each log cell that does not say what the coding has: ``checks`` are (column,
    what the coding has for each row, what to say about row i), reported row by row in order."""
    wrong = [value != log[column].to_numpy(object) for column, value, _ in checks]
    problems = []
    for row in np.flatnonzero(np.logical_or.reduce(wrong)).tolist():
        problems += [Problem(shown, row + 1, column, f"says {log[column].iat[row]} but {found(row)}")
                     for (column, _, found), mask in zip(checks, wrong) if mask[row]]
    return problems


def _later_logs(data_dir: Path) -> list[tuple[dict, Path, pd.DataFrame | None, list[Problem]]]:
    """Every later test's reconciliation log, read and checked against its columns, in order."""
    return [(test, path, *_read_csv(path, LATER_RECONCILIATION_COLUMNS, {})) for test, path in later_reconciliations(data_dir)]


def _later_log_problems(data_dir: Path, later: list, space: _PairSpace, rows: np.ndarray, coder: _Column, consensus: np.ndarray) -> tuple[np.ndarray, list[Problem]]:
    """Apply every later reconciliation log to ``consensus`` (keys; ``rows`` are the coding rows'
    keys), checking each row's ``before`` and ``second_coder`` and that every disagreement in
    the test's sample has a decision (a statement function fixed by the contribution's section
    is decided by rule, not here; that last check waits until contributions.csv can be read)."""
    problems: list[Problem] = []
    function_ids = statement_function_ids(read_yaml(Path(data_dir) / CODEBOOK_YAML)[0] or {})
    fixed = _fixed_function_ids(data_dir) if later else None
    is_function = np.asarray(space.codes.isin(function_ids))
    for test, path, log, found in later:
        if log is None or found:
            problems += found
            continue
        shown, keys = display_path(path), space.log_keys(log)
        second = rows[coder.equals(test["second_coder"])]
        before, value = _presence(keys, consensus, space), _presence(keys, second, space, pd.unique(space.contribution(second)))
        cids, codes = log["contribution_id"].tolist(), log["code_id"].tolist()
        problems += _value_problems(log, shown, [
            ("before", before, lambda i: f"the consensus before this log has {cids[i]} / {codes[i]} {before[i]}"),
            ("second_coder", value, lambda i: f"{test['second_coder']} has it {value[i]}"),
        ])
        if fixed is not None:  # reconciled against the reference as it stood then (a later one, if the test records it)
            reconciled_against = test.get("later_reference") or test["reference"]
            differing = _disagreements(space, rows[coder.equals(reconciled_against)], second)
            code_is_function = is_function[space.code(differing)]
            in_scope = code_is_function if test.get("scope") == "functions" else np.ones(len(differing), dtype=bool)
            by_rule = code_is_function & np.asarray(space.contributions.isin(fixed))[space.contribution(differing)]
            problems += [Problem(shown, None, "code_id", f"the disagreement on {cid} / {code} between {reconciled_against} and {test['second_coder']} has no decision")
                         for cid, code in space.pairs(_minus(differing[in_scope & ~by_rule], keys))]
        consensus = _applied(consensus, keys, log["decision"])
    return consensus, problems


def _reconciliation_problems(data_dir: Path, columns: dict[str, _Column]) -> list[Problem]:
    """When reliability/reconciliation.csv exists: its own schema problems, and whether the
    consensus is exactly coder_a with the logged decisions applied (every change logged)."""
    path = Path(data_dir) / RECONCILIATION_CSV
    if not path.exists():
        return []
    log, problems = _read_csv(path, RECONCILIATION_COLUMNS, {})
    if log is None or problems:
        return problems
    shown = display_path(path)
    duplicated = log[log.duplicated(["contribution_id", "code_id"])]
    problems += [Problem(shown, int(i) + 1, None, f"second decision on {r.contribution_id} / {r.code_id}") for i, r in duplicated.iterrows()]
    cid, code, coder = columns["contribution_id"], columns["code_id"], columns["coder"]
    later = _later_logs(data_dir)
    space = _PairSpace.of(cid, code, [log] + [later_log for _, _, later_log, found in later if later_log is not None and not found])
    rows, keys = space.keys(cid, code), space.log_keys(log)
    of_a = rows[coder.equals("coder_a")]
    want, later_problems = _later_log_problems(data_dir, later, space, rows, coder, _first_consensus(of_a, keys, log["decision"]))
    problems += later_problems
    have = rows[coder.equals(CONSENSUS)]
    coding_shown = display_path(Path(data_dir) / CODING_CSV)
    extra, lacking = _differences(have, want)
    problems += [Problem(coding_shown, None, "code_id", f"consensus {c} / {k} is neither coder_a's nor a logged decision in {RECONCILIATION_CSV} or a later test's log")
                 for c, k in space.pairs(extra)]
    problems += [Problem(coding_shown, None, "code_id", f"consensus lacks {c} / {k} (coder_a's code or a logged decision in {RECONCILIATION_CSV} or a later test's log)")
                 for c, k in space.pairs(lacking)]
    a, b = _compared(columns, rows, statement_function_ids(read_yaml(Path(data_dir) / CODEBOOK_YAML)[0] or {}))
    applied, b_value = _presence(keys, of_a, space), _presence(keys, b, space, pd.unique(space.contribution(b)))
    problems += _value_problems(log, shown, [
        ("coder_a", applied, lambda i: f"coder_a's coding has it {applied[i]}"),
        ("coder_b", b_value, lambda i: f"coder_b's coding has it {b_value[i]}"),
    ])
    return problems + [Problem(shown, None, "code_id", f"the disagreement on {c} / {k} between coder_a and coder_b has no decision")
                       for c, k in space.pairs(_minus(_disagreements(space, a, b), keys))]


def _compared(columns: dict[str, _Column], rows: np.ndarray, function_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of coder_a's and coder_b's rows as the first test compares them (statement
    functions only when both coded them: :func:`without_untested_functions`)."""
    code, coder = columns["code_id"], columns["coder"]
    both = coder.equals("coder_a") | coder.equals("coder_b")
    frame = pd.DataFrame({"code_id": pd.Categorical.from_codes(code.codes[both], code.values),
                          "coder": pd.Categorical.from_codes(coder.codes[both], coder.values), "key": rows[both]})
    frame = without_untested_functions(frame, ("coder_a", "coder_b"), function_ids)
    return frame.loc[frame["coder"] == "coder_a", "key"].to_numpy(), frame.loc[frame["coder"] == "coder_b", "key"].to_numpy()


# --- the crosswalk to the facilitators' action themes --------------------------------------

CROSSWALK_CSV = "crosswalk_facilitator_themes.csv"

#: Columns of the crosswalk from codes to the facilitator action themes.
CROSSWALK_COLUMNS: tuple[Column, ...] = (
    Column("code_id", "str", "A code of data/codebook.yaml (each code once, in order of precedence).", unique=True, pattern=r"^[a-z][a-z0-9_]*$"),
    Column("facilitator_theme_id", "str", "The facilitator action theme (a VD-theme-NN contribution id) the code maps to; empty: none.", required=False, pattern=ID_PATTERN),
    Column("note", "str", "Why the code maps there (or to none).", required=False),
)


def _sections_of(contributions: pd.DataFrame | None, ids: pd.Series) -> dict[str, str] | None:
    """The section of each of ``ids`` that is a contribution (the last row's, if one is repeated);
    None when the contributions cannot be read."""
    if contributions is None or not {"section", "contribution_id"} <= set(contributions.columns):
        return None
    rows = contributions[contributions["contribution_id"].isin(ids)]
    return dict(zip(rows["contribution_id"].tolist(), rows["section"].tolist()))


@cached
def check_crosswalk(data_dir: Path) -> list[Problem]:
    """Problems in the crosswalk: missing columns, a code not in the codebook, a codebook code
    missing from the crosswalk, a duplicate code, a theme id that is not a contribution of
    contributions.csv, or themes drawn from more than one section (one list of themes). A data folder without a crosswalk has no problem here (the facilitator
    comparison is then not made)."""
    data_dir = Path(data_dir)
    path = data_dir / CROSSWALK_CSV
    if not path.exists():
        return []
    frame, problems = _read_csv(path, CROSSWALK_COLUMNS, {})
    if frame is None or problems:
        return problems
    shown = display_path(path)
    codebook, _ = read_yaml(data_dir / CODEBOOK_YAML)
    codes = [str(c.get("id")) for c in (codebook or {}).get("codes") or [] if isinstance(c, dict)]
    table = read_table(data_dir / CONTRIBUTIONS_CSV, ["contribution_id", "section"])
    section_of = _sections_of(table, frame["facilitator_theme_id"].dropna())
    theme_sections = set((section_of or {}).values())
    for row, record in enumerate(frame.to_dict("records"), start=1):
        code, theme = record.get("code_id"), record.get("facilitator_theme_id")
        if codebook is not None and isinstance(code, str) and code not in codes:
            problems.append(Problem(shown, row, "code_id", f"unknown code {code!r} (not in codebook.yaml)"))
        if isinstance(theme, str) and section_of is not None and theme not in section_of:
            problems.append(Problem(shown, row, "facilitator_theme_id", f"{theme!r} is not a contribution in {CONTRIBUTIONS_CSV}"))
        elif isinstance(theme, str) and len(theme_sections) > 1:
            problems.append(Problem(shown, row, "facilitator_theme_id", f"{theme!r} is a {section_of[theme]}; the crosswalk's themes lie in several sections ({', '.join(sorted(theme_sections))}), not one list"))
    listed = set(frame["code_id"].dropna())
    problems += [Problem(shown, None, "code_id", f"code {code!r} of the codebook is not in the crosswalk (this data folder has one, so every code needs a row: its facilitator theme, or none left empty)") for code in codes if code not in listed]
    return problems


register_check(check_crosswalk)


# --- curated opposite statements --------------------------------------------------------------

OPPOSING_CSV = "opposing_statements.csv"
OPPOSING_COLUMNS = ("statement_a", "statement_b", "code_id", "reason")


@cached
def check_opposing(data_dir: Path) -> list[Problem]:
    """Problems in ``opposing_statements.csv``, against the whole data folder (a run may leave
    sources out): an unreadable file, missing columns or cells, unknown contributions, a pair
    whose statements do not both carry its code in the consensus coding, a statement paired
    with itself. A data folder without the file has none; an unreadable contributions.csv or
    coding.csv is left to its own check."""
    path = Path(data_dir) / OPPOSING_CSV
    if not path.exists():
        return []
    table, problems = read_csv(path)
    if table is None:
        return problems
    table = table.fillna("")
    shown = display_path(path)
    missing = [c for c in OPPOSING_COLUMNS if c not in table.columns]
    if missing:
        return [Problem(shown, None, c, "missing column") for c in missing]
    contributions, coding = read_table(Path(data_dir) / CONTRIBUTIONS_CSV), read_table(Path(data_dir) / CODING_CSV)
    if contributions is None or coding is None or "contribution_id" not in contributions or not {"contribution_id", "code_id", "coder"} <= set(coding.columns):
        return []
    named = set(table["statement_a"]) | set(table["statement_b"])  # only these ids are looked up
    known = set(contributions["contribution_id"][contributions["contribution_id"].isin(named)].tolist())
    consensus = coding[coding["contribution_id"].isin(known) & (coding["coder"] == CONSENSUS)]
    carried = set(zip(consensus["contribution_id"].tolist(), consensus["code_id"].tolist()))
    for row, record in enumerate(table.to_dict("records"), start=1):
        for column in OPPOSING_COLUMNS:
            if not record[column].strip():
                problems.append(Problem(shown, row, column, "empty"))
        for column in ("statement_a", "statement_b"):
            cid = record[column]
            if cid and cid not in known:
                problems.append(Problem(shown, row, column, f"unknown contribution {cid!r}"))
            elif cid and record["code_id"] and (cid, record["code_id"]) not in carried:
                problems.append(Problem(shown, row, column, f"{cid} does not carry {record['code_id']} in the consensus coding"))
        if record["statement_a"] and record["statement_a"] == record["statement_b"]:
            problems.append(Problem(shown, row, "statement_b", "the same statement as statement_a"))
    return problems


register_check(check_opposing)


# --- the reliability sample -------------------------------------------------------------------


def draw_reliability_sample(
    contributions: pd.DataFrame,
    fraction: float = 0.25,
    seed: int = DEFAULT_SEED,
    strata: Sequence[str] = ("source_id", "speaker_group"),
) -> list[str]:
    """Contribution ids of a stratified random sample for a reliability test.

    Rule: every stratum (by default source_id x speaker_group, the first test's; the blind test
    on codebook 2.0 used source_id x section) contributes ``ceil(fraction * n)`` of its
    ``n`` contributions, drawn without replacement. Rounding up means every stratum, even one
    of a single contribution, is represented, and the sample is at least ``fraction`` of the
    whole (it is slightly more, as each stratum rounds up). Strata are visited in sorted order
    and ids are drawn from each stratum's ids in file order with one
    ``numpy.random.default_rng(seed)``, so the same data and seed give the same sample. The
    ids are returned in the order of ``contributions``.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction}")
    if contributions["contribution_id"].duplicated().any():
        raise ValueError("contribution_id is not unique")
    rng = np.random.default_rng(seed)
    chosen: set[str] = set()
    for _, stratum in contributions.groupby(list(strata), sort=True, dropna=False):
        ids = list(stratum["contribution_id"])
        k = math.ceil(fraction * len(ids))
        picked = rng.choice(len(ids), size=k, replace=False)
        chosen.update(ids[i] for i in picked)
    return [cid for cid in contributions["contribution_id"] if cid in chosen]


from analysis.coding.questions import check_synthesis  # noqa: E402  (after the checks it builds on)

register_check(check_synthesis)

from analysis.coding.implications import check_implications  # noqa: E402

register_check(check_implications)
