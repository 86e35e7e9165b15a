"""The crosswalk (``crosswalk_facilitator_themes.csv``): each code mapped to one of the visioning
day's facilitator action themes, or to none (used by :mod:`analysis.coding.reliability`)."""

from __future__ import annotations


import pandas as pd

from analysis.coding.codebook import CODEBOOK_YAML
from analysis.evidence.data import Data, once
from analysis.evidence.readers import Problem
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.validate import CONTRIBUTIONS_CSV, read_checked_csv
from analysis.paths import display_path


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


@once
def check_crosswalk(data: Data) -> list[Problem]:
    """Problems in the crosswalk: missing columns, a code not in the codebook, a codebook code
    missing from the crosswalk, a duplicate code, a theme id that is not a contribution of
    contributions.csv, or themes drawn from more than one section (one list of themes). A data folder without a crosswalk has no problem here (the facilitator
    comparison is then not made)."""
    if not data.exists(CROSSWALK_CSV):
        return []
    frame, problems = read_checked_csv(data, CROSSWALK_CSV, CROSSWALK_COLUMNS, {})
    if frame is None or problems:
        return problems
    shown = display_path(data.file(CROSSWALK_CSV))
    codebook, _ = data.yaml(CODEBOOK_YAML)
    codes = [str(c.get("id")) for c in (codebook or {}).get("codes") or [] if isinstance(c, dict)]
    table = data.table(CONTRIBUTIONS_CSV, ["contribution_id", "section"])
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


def load_crosswalk(data: Data) -> pd.DataFrame:
    """The crosswalk from codes to facilitator themes (text columns, empty theme as '')."""
    frame = data.table(CROSSWALK_CSV)
    missing = {c.name for c in CROSSWALK_COLUMNS} - set(frame.columns)
    if missing:
        raise ValueError(f"{CROSSWALK_CSV}: missing column(s) {', '.join(sorted(missing))}")
    if frame["code_id"].duplicated().any():
        raise ValueError(f"{CROSSWALK_CSV}: duplicate code_id {sorted(frame.loc[frame['code_id'].duplicated(), 'code_id'])}")
    return frame
