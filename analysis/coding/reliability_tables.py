"""The reliability tables: one function, one seed, every test in data/reliability/tests.yaml.

For each test (two coders on one sample) at the levels the analysis uses:

- ``theme_alpha``: per theme (the level the briefing counts; a theme is present when any of its
  codes is), Krippendorff's alpha with a bootstrap 95% interval, each coder's positives, and
  the theme's status by the study's rule: below 0.667 not counted; 0.667 to 0.80 tentative;
  0.80 or above counted; fewer than :data:`MIN_POSITIVES` positives too rare to test. The
  pooled alpha over every contribution x theme decision is the last row.
- ``code_alpha``: the same per code; a code with fewer than :data:`MIN_POSITIVES` positives
  (sampled contributions that either coder gave it) shows "too rare to test" and no alpha.
- ``summary``: the weakest tested theme (the headline), pooled alpha over themes and over
  codes, alpha for the statement function where the second coder coded it (nominal; on the
  contributions whose function is coded, and on all against the section rule), and alpha over each contribution's whole set
  of codes (MASI distance).
- ``disagreements``: every sampled contribution on which the two coders' codes or function differ.

A code whose definition differs from the one the current test's coder was given, or that the
given codebook lacks, is reported as "not yet tested" (:func:`untested_codes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coding import alpha as al
from analysis.evidence.readers import raise_if, read_csv, read_yaml
from analysis.coding.codes import CODING_CSV, CONSENSUS, CROSSWALK_CSV, NOT_CODABLE_THEME, TESTS_YAML, check_reliability_tests, load_codebook
from analysis.coding.reliability import POOLED, THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE, alpha_table, facilitator_agreement, load_crosswalk

MIN_POSITIVES = 5
DEFINITION_FIELDS = ("theme", "brief_definition", "full_definition", "use_when", "do_not_use_when")
STATUS_COUNTED, STATUS_TENTATIVE, STATUS_NOT_COUNTED, STATUS_TOO_RARE = "counted", "tentative", "not counted", "too rare to test"


def load_tests(data_dir: Path) -> list[dict]:
    """The tests of reliability/tests.yaml, oldest first (raises DataValidationError on any
    problem :func:`~analysis.coding.codes.check_reliability_tests` finds)."""
    raise_if(check_reliability_tests(data_dir))
    content, _ = read_yaml(Path(data_dir) / TESTS_YAML)
    return list(content["tests"])


def current_test(tests: Sequence[Mapping]) -> Mapping:
    """The one test marked current."""
    (test,) = [t for t in tests if t.get("current")]
    return test


def sample_ids(data_dir: Path, test: Mapping) -> list[str]:
    """The contribution ids of a test's sample, in file order (checked by :func:`load_tests`)."""
    frame, problems = read_csv(Path(data_dir) / test["sample"])
    raise_if(problems)
    return frame["contribution_id"].tolist()


def status(alpha: float, positives: int) -> str:
    """A theme's or code's status by the study's rule (see the module docstring)."""
    if positives < MIN_POSITIVES:
        return STATUS_TOO_RARE
    if np.isnan(alpha) or alpha < THRESHOLD_TENTATIVE:
        return STATUS_NOT_COUNTED
    return STATUS_TENTATIVE if alpha < THRESHOLD_RELIABLE else STATUS_COUNTED


def theme_coding(coding: pd.DataFrame, codebook: Mapping) -> tuple[pd.DataFrame, dict]:
    """Coding rows lifted to themes (one row per contribution, theme and coder) and a
    codebook-shaped mapping whose ``codes`` are the themes (``none`` left out)."""
    theme_of = {str(c["id"]): str(c["theme"]) for c in codebook["codes"]}
    lifted = coding.assign(code_id=coding["code_id"].map(theme_of))
    lifted = lifted[lifted["code_id"].notna() & (lifted["code_id"] != NOT_CODABLE_THEME)]
    lifted = lifted.drop_duplicates(["contribution_id", "code_id", "coder"])
    themes = [{"id": t["id"], "label": t["label"]} for t in codebook["themes"] if t["id"] != NOT_CODABLE_THEME]
    return lifted, {"codes": themes}


def with_status(table: pd.DataFrame) -> pd.DataFrame:
    """An alpha table with ``positives`` (contributions either coder coded) and ``status``;
    alpha and its interval blanked where the code or theme is too rare to test."""
    positives = table["n_a"] + table["n_b"] - table["n_both"]
    out = table.assign(positives=positives, status=[status(a, p) for a, p in zip(table["alpha"], positives)])
    pooled = out["code_id"] == POOLED
    out.loc[pooled, "status"] = ""
    rare = out["status"] == STATUS_TOO_RARE
    out.loc[rare, ["alpha", "ci_low", "ci_high"]] = np.nan
    return out


def function_labels(coding: pd.DataFrame, coder: str, ids: Sequence[str], functions: Sequence[str]) -> dict[str, str]:
    """Each contribution's coded statement function for ``coder`` ('' where none was coded)."""
    rows = coding[(coding["coder"] == coder) & coding["code_id"].isin(functions) & coding["contribution_id"].isin(ids)]
    coded = dict(zip(rows["contribution_id"].tolist(), rows["code_id"].tolist()))
    return {cid: coded.get(cid, "") for cid in ids}


def code_sets(coding: pd.DataFrame, coder: str, ids: Sequence[str], functions: Sequence[str]) -> list[frozenset]:
    """Each contribution's set of codes (statement functions left out), in ``ids`` order."""
    rows = coding[(coding["coder"] == coder) & ~coding["code_id"].isin(functions) & coding["contribution_id"].isin(ids)]
    grouped: dict[str, set] = {}
    for cid, code in zip(rows["contribution_id"].tolist(), rows["code_id"].tolist()):
        grouped.setdefault(cid, set()).add(code)
    return [frozenset(grouped.get(cid, ())) for cid in ids]


def function_summary(reference: Mapping[str, str], second: Mapping[str, str], ids: Sequence[str], n_boot: int, seed: int, scope: str) -> dict:
    """Alpha of two coders' statement functions over ``ids`` with a bootstrap interval."""
    a, b = [reference[cid] for cid in ids], [second[cid] for cid in ids]
    low, high, kept = al.percentile_interval(al.bootstrap_alpha(a, b, n_boot, seed)) if ids else (np.nan, np.nan, 0)
    return {"measure": f"statement function ({scope})", "alpha": al.nominal_alpha(a, b) if ids else np.nan, "ci_low": low, "ci_high": high,
            "n_units": len(ids), "agreement": float(np.mean([x == y for x, y in zip(a, b)])) if ids else np.nan}


def disagreement_table(texts: Mapping[str, str], ids: Sequence[str], sets_a: Sequence[frozenset], sets_b: Sequence[frozenset],
                       functions_a: Mapping[str, str], functions_b: Mapping[str, str]) -> pd.DataFrame:
    """Sampled contributions on which the coders' codes or functions differ."""
    records = [
        {"contribution_id": cid, "text": texts.get(cid, ""), "codes_both": "; ".join(sorted(a & b)),
         "codes_only_reference": "; ".join(sorted(a - b)), "codes_only_second": "; ".join(sorted(b - a)),
         "function_reference": functions_a.get(cid, ""), "function_second": functions_b.get(cid, "")}
        for cid, a, b in zip(ids, sets_a, sets_b)
        if a != b or functions_a.get(cid, "") != functions_b.get(cid, "")
    ]
    return pd.DataFrame.from_records(records, columns=["contribution_id", "text", "codes_both", "codes_only_reference",
                                                       "codes_only_second", "function_reference", "function_second"])


def test_tables(test: Mapping, contributions: pd.DataFrame, coding: pd.DataFrame, codebook: Mapping,
                section_functions: Mapping[str, str | None], ids: Sequence[str], n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every table of one test (see the module docstring)."""
    coders = (test["reference"], test["second_coder"])
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    if test.get("scope") == "functions":
        return function_test_tables(test, contributions, coding, section_functions, functions, ids, n_boot, seed)
    theme_rows, theme_book = theme_coding(coding, codebook)
    themes = with_status(alpha_table(theme_rows, theme_book, ids, coders, n_boot, seed))
    code_rows = coding[~coding["code_id"].isin(functions)]
    codes = with_status(alpha_table(code_rows, dict(codebook), ids, coders, n_boot, seed))
    sets_a, sets_b = code_sets(coding, coders[0], ids, functions), code_sets(coding, coders[1], ids, functions)
    section_of = dict(zip(contributions["contribution_id"].tolist(), contributions["section"].tolist()))
    by_rule = {cid: section_functions.get(section_of.get(cid)) or "" for cid in ids}
    coded_a, coded_b = function_labels(coding, coders[0], ids, functions), function_labels(coding, coders[1], ids, functions)
    reference_functions = {cid: by_rule[cid] or coded_a[cid] for cid in ids}
    coded_scope = [cid for cid in ids if not by_rule[cid]]
    tested = themes[(themes["code_id"] != POOLED) & themes["alpha"].notna()]
    weakest = tested.sort_values(["alpha", "code_id"]).iloc[0] if len(tested) else None
    pooled_theme, pooled_code = themes[themes["code_id"] == POOLED].iloc[0], codes[codes["code_id"] == POOLED].iloc[0]
    summary = [
        {"measure": "weakest theme", "label": weakest["label"] if weakest is not None else "", "alpha": weakest["alpha"] if weakest is not None else np.nan,
         "ci_low": weakest["ci_low"] if weakest is not None else np.nan, "ci_high": weakest["ci_high"] if weakest is not None else np.nan,
         "n_units": len(ids), "agreement": weakest["percent_agreement"] if weakest is not None else np.nan},
        {"measure": "pooled over themes", "label": "", "alpha": pooled_theme["alpha"], "ci_low": pooled_theme["ci_low"], "ci_high": pooled_theme["ci_high"],
         "n_units": int(pooled_theme["n_units"]), "agreement": pooled_theme["percent_agreement"]},
        {"measure": "pooled over codes", "label": "", "alpha": pooled_code["alpha"], "ci_low": pooled_code["ci_low"], "ci_high": pooled_code["ci_high"],
         "n_units": int(pooled_code["n_units"]), "agreement": pooled_code["percent_agreement"]},
        *([{"label": "", **function_summary(reference_functions, coded_b, coded_scope, n_boot, seed, "where coded")},
           {"label": "", **function_summary(reference_functions, coded_b, list(ids), n_boot, seed, "all, against the section rule")}]
          if any(coded_b.values()) else []),
        {"measure": "set of codes per contribution (MASI)", "label": "", "alpha": al.masi_alpha(sets_a, sets_b),
         **dict(zip(("ci_low", "ci_high"), al.percentile_interval(al.bootstrap_alpha(sets_a, sets_b, n_boot, seed, masi=True))[:2])),
         "n_units": len(ids), "agreement": float(np.mean([x == y for x, y in zip(sets_a, sets_b)]))},
    ]
    texts = dict(zip(contributions["contribution_id"].tolist(), contributions["text"].tolist()))
    functions_tested = any(coded_b.values())
    disagreeing = disagreement_table(texts, ids, sets_a, sets_b, reference_functions if functions_tested else {}, coded_b if functions_tested else {})
    label = {"test": test["id"], "codebook_version": test["codebook_version"]}
    return {name: table.assign(**label) for name, table in
            {"theme_alpha": themes, "code_alpha": codes, "summary": pd.DataFrame(summary), "disagreements": disagreeing}.items()}


def function_test_tables(test: Mapping, contributions: pd.DataFrame, coding: pd.DataFrame, section_functions: Mapping[str, str | None],
                         functions: Sequence[str], ids: Sequence[str], n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """The tables of a test of the statement functions alone: alpha where coded, and the
    contributions whose functions differ."""
    reference = function_labels(coding, test["reference"], ids, functions)
    second = function_labels(coding, test["second_coder"], ids, functions)
    texts = dict(zip(contributions["contribution_id"].tolist(), contributions["text"].tolist()))
    summary = pd.DataFrame([{"label": "", **function_summary(reference, second, list(ids), n_boot, seed, "where coded")}])
    empty = [frozenset()] * len(ids)
    label = {"test": test["id"], "codebook_version": test["codebook_version"]}
    return {"summary": summary.assign(**label), "disagreements": disagreement_table(texts, ids, empty, empty, reference, second).assign(**label)}


def untested_codes(codebook: Mapping, given: Mapping) -> list[str]:
    """Codes of ``codebook`` that the current test's coder did not test as they now stand: added
    since, or with a definition field that differs from the codebook as given."""
    was = {str(c["id"]): c for c in given.get("codes", [])}
    return [str(c["id"]) for c in codebook["codes"]
            if str(c["id"]) not in was or any(str(c.get(f, "")).split() != str(was[str(c["id"])].get(f, "")).split() for f in DEFINITION_FIELDS)]


def reliability_tables(data_dir: Path, contributions: pd.DataFrame, coding: pd.DataFrame, section_functions: Mapping[str, str | None],
                       n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """The reliability tables of every test in tests.yaml, stacked (column ``test``), and
    ``tests`` (the registry with each test's sample size). ``coding`` holds every coder's rows."""
    data_dir = Path(data_dir)
    codebook = load_codebook(data_dir)
    tests = load_tests(data_dir)
    stacked: dict[str, list[pd.DataFrame]] = {}
    registry = []
    for test in tests:
        ids = sample_ids(data_dir, test)
        if not (coding["coder"] == test["second_coder"]).any():
            continue  # drawn and sent, not yet returned
        registry.append({**{k: test.get(k) for k in ("id", "codebook_version", "reference", "second_coder", "scope", "current", "blind", "note")}, "n_units": len(ids)})
        for name, table in test_tables(test, contributions, coding, codebook, section_functions, ids, n_boot, seed).items():
            stacked.setdefault(name, []).append(table)
    tables = {name: pd.concat(parts, ignore_index=True) for name, parts in stacked.items()}
    tables["tests"] = pd.DataFrame(registry)
    return tables


def facilitator_tables(data_dir: Path, contributions: pd.DataFrame, coding: pd.DataFrame, tests: Sequence[Mapping]) -> dict[str, pd.DataFrame]:
    """The external check against the facilitators' action themes, when the data have a
    crosswalk: the consensus on every example action, and the current test's two coders on
    the example actions in its sample (blind for the second coder only)."""
    if not (Path(data_dir) / CROSSWALK_CSV).exists():
        return {}
    crosswalk = load_crosswalk(data_dir)
    current = current_test(tests)
    ids = sample_ids(data_dir, current)
    runs = [(CONSENSUS, "all example actions", facilitator_agreement(contributions, coding, crosswalk)),
            (current["reference"], f"{current['id']} sample", facilitator_agreement(contributions, coding, crosswalk, current["reference"], ids)),
            (current["second_coder"], f"{current['id']} sample", facilitator_agreement(contributions, coding, crosswalk, current["second_coder"], ids))]
    summary = pd.DataFrame([{"coder": coder, "example_actions": scope, "n": run.n, "agreement": run.agreement,
                             "agreement_any": run.agreement_any, "kappa": run.kappa, "kappa_statsmodels": run.kappa_statsmodels}
                            for coder, scope, run in runs])
    return {"facilitator_items": runs[0][2].items, "facilitator_confusion": runs[0][2].confusion.reset_index(), "facilitator_summary": summary}


def reliability_report(data_dir: Path, n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every reliability table of the data folder, from one call with one seed: the tests'
    tables (see :func:`reliability_tables`) and the facilitator check."""
    from analysis.coding.functions import read_section_functions
    from analysis.evidence.validate import load_contributions

    data_dir = Path(data_dir)
    contributions = load_contributions(data_dir)
    coding = pd.read_csv(data_dir / CODING_CSV, dtype=str, keep_default_na=False)
    tables = reliability_tables(data_dir, contributions, coding, read_section_functions(data_dir), n_boot, seed)
    return {**tables, **facilitator_tables(data_dir, contributions, coding, load_tests(data_dir))}


def untested_in_current(data_dir: Path, codebook: Mapping) -> list[str]:
    """Codes not tested as they now stand by the current test (:func:`untested_codes` against the
    codebook its coder was given, kept beside its sample); none when no given codebook was kept."""
    test = current_test(load_tests(data_dir))
    given = Path(data_dir) / Path(test["sample"]).parent / "codebook_as_given.yaml"
    if not given.exists():
        return []
    content, problems = read_yaml(given)
    raise_if(problems)
    return untested_codes(codebook, content)


def coded_function_alpha(data_dir: Path, coding: pd.DataFrame, contributions: pd.DataFrame, codebook: Mapping) -> tuple[str | None, float, int]:
    """The latest test whose second coder coded statement functions: its id, alpha over the sampled
    contributions whose function is coded, and how many they are; (None, NaN, 0) when no test
    measured them."""
    from analysis.coding.functions import read_section_functions

    if not (Path(data_dir) / TESTS_YAML).exists():
        return None, float("nan"), 0
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    coded_sections = {section for section, function in read_section_functions(data_dir).items() if function is None}
    section_of = dict(zip(contributions["contribution_id"].tolist(), contributions["section"].tolist()))
    for test in reversed(load_tests(data_dir)):
        ids = [cid for cid in sample_ids(data_dir, test) if section_of.get(cid) in coded_sections]
        second = function_labels(coding, test["second_coder"], ids, functions)
        if ids and any(second.values()):
            reference = function_labels(coding, test["reference"], ids, functions)
            return test["id"], al.nominal_alpha([reference[c] for c in ids], [second[c] for c in ids]), len(ids)
    return None, float("nan"), 0


def coded_function_status(data_dir: Path, coding: pd.DataFrame, contributions: pd.DataFrame, codebook: Mapping) -> str:
    """Whether statement functions that are coded (not fixed by their section) are counted: the
    study's rule applied to :func:`coded_function_alpha`; not counted when no test measured them."""
    test, alpha, n = coded_function_alpha(data_dir, coding, contributions, codebook)
    return STATUS_NOT_COUNTED if test is None else status(alpha, n)


def reliability_statuses(data_dir: Path, coding: pd.DataFrame, codebook: Mapping) -> dict[str, dict[str, str]]:
    """Each theme's and each code's status under the current test (point estimates):
    ``{"themes": {id: status}, "codes": {id: status}}``; empty when the data have no test
    whose answers are in."""
    if not (Path(data_dir) / TESTS_YAML).exists():
        return {}
    test = current_test(load_tests(data_dir))
    if not (coding["coder"] == test["second_coder"]).any():
        return {}
    ids, coders = sample_ids(data_dir, test), (test["reference"], test["second_coder"])
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    rows, themes = theme_coding(coding, codebook)
    by_level = {"themes": with_status(alpha_table(rows, themes, ids, coders, 0, 0)),
                "codes": with_status(alpha_table(coding[~coding["code_id"].isin(functions)], dict(codebook), ids, coders, 0, 0))}
    return {level: dict(zip(table.loc[table["code_id"] != POOLED, "code_id"].tolist(), table.loc[table["code_id"] != POOLED, "status"].tolist()))
            for level, table in by_level.items()}


def apply_reliability_statuses(codebook: Mapping, statuses: Mapping[str, Mapping[str, str]]) -> dict:
    """The codebook as the briefing counts it, by the study's rule: the codes of a theme below
    0.667, and a code below 0.667 that had enough positives to test, marked
    ``count_in_briefing: false``; a tentative theme's label marked "(tentative)"."""
    themes, codes = statuses.get("themes", {}), statuses.get("codes", {})
    tentative = {theme for theme, s in themes.items() if s == STATUS_TENTATIVE}
    dropped = lambda code: themes.get(code["theme"]) == STATUS_NOT_COUNTED or codes.get(code["id"]) == STATUS_NOT_COUNTED  # noqa: E731
    return {
        **codebook,
        "themes": [{**t, "label": f"{t['label']} (tentative)"} if t["id"] in tentative else dict(t) for t in codebook["themes"]],
        "codes": [{**c, "count_in_briefing": False} if dropped(c) else dict(c) for c in codebook["codes"]],
    }


