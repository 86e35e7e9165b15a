"""The codebook (``codebook.yaml`` in the data folder): its fields, its checks and its loader.

``version``, ``date``, ``changelog`` (list of {version, date, changes, reason}), ``themes`` (each
``id``, ``label``, ``description``) and ``codes`` (each with the fields of :data:`CODE_FIELDS`;
``count_in_briefing`` optional). The ``not_codable`` code sits in the theme ``none``, which
holds nothing else. Each of the ``statement_functions`` may say what it does in the comparison
of positions (:data:`FUNCTION_ROLE_FIELDS`).
"""

from __future__ import annotations

import re

from analysis.coding.exposure import codebook_overlaps
from analysis.evidence.data import Data, once
from analysis.evidence.readers import DataValidationError, Problem
from analysis.evidence.schema import ID_PATTERN, Column
from analysis.evidence.validate import CONTRIBUTIONS_CSV
from analysis.paths import display_path


CODEBOOK_YAML = "codebook.yaml"

NOT_CODABLE = "not_codable"

NOT_CODABLE_THEME = "none"

ORIGINS: dict[str, str] = {
    "deductive": "Taken from the documents' own categories (the themes and headings they print).",
    "inductive": "Found in the data while reading the contributions.",
}

CODE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

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

#: How a statement function may judge a theme's present state.
JUDGEMENTS = ("well", "badly")

#: Fields of a statement function in codebook.yaml that say what it does in the comparison of positions.
FUNCTION_ROLE_FIELDS: tuple[Column, ...] = (
    Column("position", "bool", "Optional, default false: true when the function takes a position on a theme "
           "(the positions compared across groups, in codebook order).", required=False),
    Column("judges", "str", "Optional: well or badly, when the function judges a theme's present state that way; "
           "at most one function each (without both, there are no contrasting judgements or deviant cases).",
           required=False, allowed=JUDGEMENTS),
)

CODEBOOK_TOP_FIELDS = ("version", "date", "changelog", "themes", "codes")
CHANGELOG_FIELDS = ("version", "date", "changes", "reason")

# --- the codebook ---------------------------------------------------------------------------


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@once
def check_codebook(data: Data) -> list[Problem]:
    """Problems in codebook.yaml alone: top-level fields, changelog, themes, codes.

    Codes: missing or empty required fields, duplicate id, id not snake_case, unknown theme,
    unknown origin, ``count_in_briefing`` not true/false, no ``not_codable`` code, a theme
    ``none`` holding other codes. Whether each example carries its code is a check across
    files, in :func:`check_coding`.
    """
    content, problems = data.yaml(CODEBOOK_YAML)
    if content is None:
        return problems
    shown = display_path(data.file(CODEBOOK_YAML))
    for field in CODEBOOK_TOP_FIELDS:
        if field not in content:
            problems.append(Problem(shown, None, field, "missing"))
    changelog = content.get("changelog") or []
    if not isinstance(changelog, list) or not changelog:
        problems.append(Problem(shown, None, "changelog", "must be a non-empty list"))
        changelog = []
    for n, entry in enumerate(changelog, start=1):
        for field in CHANGELOG_FIELDS:
            if not isinstance(entry, dict) or is_blank(entry.get(field)):
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
            if is_blank(theme.get(field.name)):
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
        where = f"codes[{n}]" if is_blank(code_id) else f"codes.{code_id}"
        for field in CODE_FIELDS:
            if field.required and is_blank(code.get(field.name)):
                problems.append(Problem(shown, None, f"{where}.{field.name}", "missing"))
        if not is_blank(code_id):
            if str(code_id) in seen:
                problems.append(Problem(shown, None, f"{where}.id", f"duplicate code id {code_id!r}"))
            elif not identifier.match(str(code_id)):
                problems.append(Problem(shown, None, f"{where}.id", f"code id {code_id!r} must be short snake_case"))
            seen.add(str(code_id))
        theme = code.get("theme")
        if not is_blank(theme) and str(theme) not in theme_ids:
            problems.append(Problem(shown, None, f"{where}.theme", f"unknown theme {theme!r} (not among the codebook's themes)"))
        if str(theme) == NOT_CODABLE_THEME and code_id != NOT_CODABLE:
            problems.append(Problem(shown, None, f"{where}.theme", f"the theme {NOT_CODABLE_THEME!r} is only for {NOT_CODABLE}"))
        origin = code.get("origin")
        if not is_blank(origin) and origin not in ORIGINS:
            problems.append(Problem(shown, None, f"{where}.origin", f"unknown origin {origin!r} (allowed: {', '.join(ORIGINS)})"))
        if "count_in_briefing" in code and not isinstance(code["count_in_briefing"], bool):
            problems.append(Problem(shown, None, f"{where}.count_in_briefing", "must be true or false"))
        example = code.get("example")
        if not is_blank(example) and not re.match(ID_PATTERN, str(example)):
            problems.append(Problem(shown, None, f"{where}.example", f"{example!r} is not a contribution id"))
    if codes and NOT_CODABLE not in seen:
        problems.append(Problem(shown, None, "codes", f"no {NOT_CODABLE!r} code"))
    return problems + function_role_problems(content.get("statement_functions") or [], shown)


def function_role_problems(functions, shown: str) -> list[Problem]:
    """Problems in the statement functions' roles (:data:`FUNCTION_ROLE_FIELDS`): a ``position``
    that is not true or false, a ``judges`` that is not one of :data:`JUDGEMENTS`, or one that
    a function before it already has."""
    if not isinstance(functions, list):
        return [Problem(shown, None, "statement_functions", "must be a list")]
    problems: list[Problem] = []
    judged_by: dict[str, str] = {}
    for n, function in enumerate(functions, start=1):
        if not isinstance(function, dict):
            problems.append(Problem(shown, None, f"statement_functions[{n}]", "not a mapping"))
            continue
        where = f"statement_functions.{function.get('id', n)}"
        if "position" in function and not isinstance(function["position"], bool):
            problems.append(Problem(shown, None, f"{where}.position", "must be true or false"))
        if "judges" not in function:
            continue
        judges = function["judges"]
        if judges not in JUDGEMENTS:
            problems.append(Problem(shown, None, f"{where}.judges", f"{judges!r} is not a judgement (allowed: {', '.join(JUDGEMENTS)})"))
        elif judges in judged_by:
            problems.append(Problem(shown, None, f"{where}.judges", f"{judges!r} is already what {judged_by[judges]!r} judges"))
        else:
            judged_by[judges] = str(function.get("id"))
    return problems


@once
def load_codebook(data: Data) -> dict:
    """codebook.yaml as a dict, after :func:`check_codebook` (raises DataValidationError)."""
    problems = check_codebook(data)
    if problems:
        raise DataValidationError(problems)
    content, _ = data.yaml(CODEBOOK_YAML)
    return content


def code_ids(codebook: dict, counted_only: bool = False) -> list[str]:
    """The code ids in codebook order; ``counted_only`` leaves out not_codable and codes marked
    ``count_in_briefing: false``."""
    return [
        str(code["id"]) for code in codebook["codes"]
        if not counted_only or (code["id"] != NOT_CODABLE and code.get("count_in_briefing", True))
    ]

@once
def check_codebook_overlaps(data: Data) -> list[Problem]:
    """Every codebook rule or definition that repeats six consecutive words of a contribution
    (or the whole of a short one) that is not a declared example of the codebook
    (:func:`analysis.coding.exposure.codebook_overlaps`): it would show a coder the answer."""
    codebook, _ = data.yaml(CODEBOOK_YAML)
    contributions = data.table(CONTRIBUTIONS_CSV, ["contribution_id", "text"])
    if not isinstance(codebook, dict) or contributions is None or not {"contribution_id", "text"} <= set(contributions.columns):
        return []  # their own checks report it
    overlaps = codebook_overlaps(codebook, dict(zip(contributions["contribution_id"], contributions["text"])))
    overlaps = overlaps[~overlaps["declared_example"]]
    return [Problem(display_path(data.file(CODEBOOK_YAML)), None, where, f"repeats the words of {cid} (\"{phrase}\"): reword it, or make {cid} a declared example")
            for where, cid, phrase in zip(overlaps["where"], overlaps["contribution_id"], overlaps["words"])]


def restrict_codebook(codebook: dict, codes: list[str]) -> dict:
    """The codebook with only the given codes, and only the themes that still hold a code."""
    kept = [code for code in codebook["codes"] if code["id"] in codes]
    themes = {code["theme"] for code in kept}
    return {**codebook, "codes": kept, "themes": [t for t in codebook["themes"] if t["id"] in themes]}
