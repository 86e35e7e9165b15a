"""Statement functions: what each contribution does (hope, problem, need, proposal, strength,
observation), beside what it is about (its codes).

The rule, stated once (:func:`statement_functions`): where a contribution's section fixes a
function (``data/vocabulary.yaml``, ``sections[].statement_function``), the contribution
takes it; where the section's function is null, the function is coded, one row in
``coding.csv`` whose ``code_id`` is one of the codebook's ``statement_functions``. A
contribution in a section that fixes its function carries no such row. What each function does
in the comparison of positions (takes a position, judges a theme well or badly) is the
codebook's to say (:func:`function_roles`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.evidence.data import Data
from analysis.evidence.vocabulary import VOCABULARY_YAML, section_functions

FROM_SECTION = "section"
FROM_CODING = "coding"


def read_section_functions(data: Data) -> dict[str, str | None]:
    """Each section's statement function from the data folder's vocabulary (None: coded); an
    empty dict when the folder has no vocabulary. Raises DataValidationError for a broken one."""
    if not data.exists(VOCABULARY_YAML):
        return {}
    return section_functions(data)


def statement_function_ids(codebook: Mapping) -> list[str]:
    """The ids of the codebook's statement functions, in codebook order."""
    return [str(f["id"]) for f in codebook.get("statement_functions") or [] if isinstance(f, dict)]


@dataclass(frozen=True)
class FunctionRoles:
    """The statement functions that take a position on a theme (in codebook order), and the one
    that judges a theme's present state well and the one that judges it badly (None: none does)."""

    positions: tuple[str, ...]
    well: str | None = None
    badly: str | None = None

    @property
    def judging(self) -> dict[str, str | None]:
        """The function that judges a theme ``well`` and the one that judges it ``badly``."""
        return {"well": self.well, "badly": self.badly}


def function_roles(codebook: Mapping) -> FunctionRoles:
    """The roles the codebook's statement functions declare (``position: true``, ``judges: well``
    or ``badly``)."""
    functions = [f for f in codebook.get("statement_functions") or [] if isinstance(f, dict)]
    judging = {f.get("judges"): str(f["id"]) for f in functions}
    return FunctionRoles(tuple(str(f["id"]) for f in functions if f.get("position") is True), judging.get("well"), judging.get("badly"))


def function_problems(
    contributions: pd.DataFrame,
    coding: pd.DataFrame,
    section_function: Mapping[str, str | None],
    function_ids: Sequence[str],
) -> list[tuple[str, str]]:
    """(contribution_id, message) for every breach of the rule in ``coding`` (one coder's rows):
    a contribution of a coded section with no function or several, a function coded where
    the section fixes it, a section unknown to the vocabulary, a fixed function that is not
    a statement function."""
    coded = coding[coding["code_id"].isin(function_ids) & coding["contribution_id"].notna()]
    ids = contributions["contribution_id"]
    some = ids.isin(coded["contribution_id"]).to_numpy()
    several = ids.isin(coded.loc[coded["contribution_id"].duplicated(), "contribution_id"]).to_numpy()
    sections = contributions["section"]
    known = sections.isin(list(section_function)).to_numpy()
    fixed = sections.map({section: function for section, function in section_function.items() if function is not None})
    is_fixed = fixed.notna().to_numpy()
    wrong = ~known | (known & ~is_fixed & (~some | several)) | (is_fixed & (~fixed.isin(function_ids).to_numpy() | some))
    rows = np.flatnonzero(wrong)
    functions_of = coded.groupby("contribution_id")["code_id"].agg(sorted).to_dict() if len(rows) else {}
    problems = []
    for cid, section in zip(contributions["contribution_id"].to_numpy()[rows].tolist(), sections.to_numpy()[rows].tolist()):
        given = functions_of.get(cid, [])
        if section not in section_function:
            problems.append((cid, f"section {section!r} has no statement_function in {VOCABULARY_YAML}"))
        elif section_function[section] is None:
            problems.append((cid, f"section {section!r} has its statement function coded: exactly one expected, found {', '.join(given) or 'none'}"))
        elif section_function[section] not in function_ids:
            problems.append((cid, f"section {section!r} fixes {section_function[section]!r}, not a statement function of the codebook"))
        else:
            problems.append((cid, f"section {section!r} fixes the function {section_function[section]!r}; coded {', '.join(given)} as well"))
    return problems


def statement_functions(
    contributions: pd.DataFrame,
    coding: pd.DataFrame,
    section_function: Mapping[str, str | None],
    function_ids: Sequence[str],
) -> pd.DataFrame:
    """One row per contribution (in ``contributions`` order): ``contribution_id``,
    ``statement_function`` and ``function_from`` ("section" or "coding"), by the rule of
    this module applied to ``coding`` (one coder's rows). Raises ValueError naming every
    contribution that breaks the rule."""
    problems = function_problems(contributions, coding, section_function, function_ids)
    if problems:
        raise ValueError("statement functions do not follow the rule:\n  " + "\n  ".join(f"{cid}: {m}" for cid, m in problems))
    coded = coding[coding["code_id"].isin(function_ids)].set_index("contribution_id")["code_id"]
    fixed = contributions["section"].map(section_function)
    function = fixed.where(fixed.notna(), contributions["contribution_id"].map(coded))
    return pd.DataFrame({
        "contribution_id": contributions["contribution_id"].to_numpy(),
        "statement_function": function.to_numpy(),
        "function_from": fixed.notna().map({True: FROM_SECTION, False: FROM_CODING}).to_numpy(),
    })


def without_untested_functions(coding: pd.DataFrame, coders: Sequence[str], function_ids: Sequence[str]) -> pd.DataFrame:
    """``coding`` without its statement-function rows unless every one of ``coders`` coded
    statement functions: two coders are compared on functions only when both coded them
    (the first blind test covered the codes, not the functions)."""
    is_function = coding["code_id"].isin(function_ids)
    if all(((coding["coder"] == coder) & is_function).any() for coder in coders):
        return coding
    return coding[~is_function]
