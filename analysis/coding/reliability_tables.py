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
from analysis.coding.exposure import codebook_examples
from analysis.evidence.data import Data, once
from analysis.evidence.audit import list_ids
from analysis.evidence.readers import raise_if
from analysis.evidence.robustness import ROBUSTNESS_YAML, load_settings
from analysis.coding.codebook import NOT_CODABLE_THEME, load_codebook
from analysis.coding.crosswalk import CROSSWALK_CSV, load_crosswalk
from analysis.coding.recorded_tests import TESTS_YAML, check_reliability_tests
from analysis.evidence.vocabulary import CONSENSUS
from analysis.coding.reliability import POOLED, THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE, facilitator_agreement, presence_alpha_table, sample_presence

MIN_POSITIVES = 5
DEFINITION_FIELDS = ("theme", "brief_definition", "full_definition", "use_when", "do_not_use_when")
STATUS_COUNTED, STATUS_TENTATIVE, STATUS_NOT_COUNTED, STATUS_TOO_RARE = "counted", "tentative", "not counted", "too rare to test"


@once
def load_tests(data: Data) -> list[dict]:
    """The tests of reliability/tests.yaml, oldest first (raises DataValidationError on any
    problem :func:`~analysis.coding.recorded_tests.check_reliability_tests` finds); checked once per
    content of the data folder."""
    raise_if(check_reliability_tests(data))
    content, _ = data.yaml(TESTS_YAML)
    return list(content["tests"])


def current_test(tests: Sequence[Mapping]) -> Mapping:
    """The one test marked current."""
    (test,) = [t for t in tests if t.get("current")]
    return test


def sample_ids(data: Data, test: Mapping) -> list[str]:
    """The contribution ids of a test's sample, in file order (checked by :func:`load_tests`)."""
    frame, problems = data.csv(test["sample"])
    raise_if(problems)
    return frame["contribution_id"].tolist()


def status(alpha: float, positives: int) -> str:
    """A theme's or code's status by the study's rule (see the module docstring)."""
    if positives < MIN_POSITIVES:
        return STATUS_TOO_RARE
    if np.isnan(alpha) or alpha < THRESHOLD_TENTATIVE:
        return STATUS_NOT_COUNTED
    return STATUS_TENTATIVE if alpha < THRESHOLD_RELIABLE else STATUS_COUNTED


def sample_rows(coding: pd.DataFrame, coders: Sequence[str], ids: Sequence[str]) -> pd.DataFrame:
    """The coding rows of ``coders`` on the contributions ``ids``."""
    rows = coding[coding["coder"].isin(coders)]
    return rows[rows["contribution_id"].isin(ids)]


def theme_presence(codebook: Mapping, codes: Sequence[str], a: np.ndarray, b: np.ndarray) -> tuple[list[Mapping], np.ndarray, np.ndarray]:
    """The codebook's themes (``none`` left out) and each coder's 0/1 matrix, units x themes, lifted
    from their codes (units x ``codes``): a theme is present when any of its codes is."""
    theme_of = {str(c["id"]): str(c["theme"]) for c in codebook["codes"]}
    themes = [t for t in codebook["themes"] if t["id"] != NOT_CODABLE_THEME]
    columns = [[j for j, code in enumerate(codes) if theme_of.get(code) == str(t["id"])] for t in themes]

    def lift(matrix: np.ndarray) -> np.ndarray:
        return np.column_stack([matrix[:, c].any(axis=1) for c in columns]) if columns else np.zeros((len(matrix), 0), dtype=bool)

    return themes, lift(a), lift(b)


def level_tables(rows: pd.DataFrame, codebook: Mapping, ids: Sequence[str], coders: tuple[str, str], functions: Sequence[str],
                 n_boot: int, seed: int, clusters: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """The theme and code alpha tables with status (statement functions left out), and both
    coders' 0/1 matrices of codes, units (``ids``, distinct) x the code table's codes; with
    ``clusters`` (each id's list), intervals from resampling whole lists as well."""
    codes, a, b = sample_presence(rows[~rows["code_id"].isin(functions)], [str(c["id"]) for c in codebook["codes"]], ids, coders)
    themes, theme_a, theme_b = theme_presence(codebook, codes, a, b)
    theme_table = presence_alpha_table(theme_a, theme_b, [str(t["id"]) for t in themes], {str(t["id"]): t["label"] for t in themes}, n_boot, seed, clusters)
    code_table = presence_alpha_table(a, b, codes, {str(c["id"]): c.get("label", "") for c in codebook["codes"]}, n_boot, seed, clusters)
    return with_status(theme_table), with_status(code_table), a, b


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
    rows = coding[coding["code_id"].isin(functions)]
    rows = rows[(rows["coder"] == coder) & rows["contribution_id"].isin(ids)]
    coded = dict(zip(rows["contribution_id"].tolist(), rows["code_id"].tolist()))
    return {cid: coded.get(cid, "") for cid in ids}


def function_summary(reference: Mapping[str, str], second: Mapping[str, str], ids: Sequence[str], n_boot: int, seed: int, scope: str,
                     lists: Mapping[str, str] | None = None) -> dict:
    """Alpha of two coders' statement functions over ``ids`` with a bootstrap interval (and,
    given each id's list, one from resampling whole lists)."""
    a, b = [reference[cid] for cid in ids], [second[cid] for cid in ids]
    alpha, boot = al.label_alpha(a, b, n_boot, seed) if ids else (np.nan, np.array([]))
    low, high, _ = al.percentile_interval(boot)
    clustered = {}
    if lists is not None:
        boot = al.cluster_label_bootstrap(a, b, [lists[cid] for cid in ids], n_boot, seed) if ids else np.array([])
        clustered = dict(zip(("cluster_ci_low", "cluster_ci_high"), al.percentile_interval(boot)[:2]))
    return {"measure": f"statement function ({scope})", "alpha": alpha, "ci_low": low, "ci_high": high, **clustered,
            "n_units": len(ids), "agreement": float(np.mean([x == y for x, y in zip(a, b)])) if ids else np.nan}


def looked_up(contributions: pd.DataFrame, ids: Sequence[str], columns: Sequence[str]) -> list[list[str]]:
    """Columns of contributions.csv for each of ``ids`` ('' for an id it lacks)."""
    where = pd.Index(contributions["contribution_id"]).get_indexer(ids)
    found = []
    for column in columns:
        values = [*contributions[column].tolist(), ""]  # an unknown id, at position -1, gets ''
        found.append([values[i] for i in where])
    return found


def disagreement_table(ids: Sequence[str], texts: Sequence[str], codes: Sequence[str], a: np.ndarray, b: np.ndarray,
                       functions_a: Mapping[str, str], functions_b: Mapping[str, str]) -> pd.DataFrame:
    """Sampled contributions (``ids``, with their ``texts``) on which the coders' codes (0/1
    matrices, ids x ``codes``) or functions differ."""
    order = sorted(range(len(codes)), key=lambda j: codes[j])
    names, a, b = [codes[j] for j in order], a[:, order], b[:, order]
    differ = np.flatnonzero((a != b).any(axis=1) | np.array([functions_a.get(cid, "") != functions_b.get(cid, "") for cid in ids], dtype=bool))

    def listed(matrix: np.ndarray) -> list[str]:
        each: list[list[str]] = [[] for _ in differ]
        for row, column in zip(*(found.tolist() for found in np.nonzero(matrix[differ]))):
            each[row].append(names[column])
        return ["; ".join(row_codes) for row_codes in each]

    return pd.DataFrame({
        "contribution_id": [ids[i] for i in differ], "text": [texts[i] for i in differ],
        "codes_both": listed(a & b), "codes_only_reference": listed(a & ~b), "codes_only_second": listed(b & ~a),
        "function_reference": [functions_a.get(ids[i], "") for i in differ], "function_second": [functions_b.get(ids[i], "") for i in differ],
    })


def test_tables(test: Mapping, contributions: pd.DataFrame, coding: pd.DataFrame, codebook: Mapping,
                section_functions: Mapping[str, str | None], ids: Sequence[str], n_boot: int, seed: int,
                lists: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of one test (see the module docstring); given each contribution's list,
    every interval also from resampling whole lists."""
    coders = (test["reference"], test["second_coder"])
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    ids = list(dict.fromkeys(ids))
    rows = sample_rows(coding, coders, ids)
    if test.get("scope") == "functions":
        return function_test_tables(test, contributions, rows, section_functions, functions, ids, n_boot, seed, lists)
    clusters = [lists[cid] for cid in ids] if lists is not None else None
    themes, codes, a, b = level_tables(rows, codebook, ids, coders, functions, n_boot, seed, clusters)
    masi, masi_boot = al.set_alpha(a, b, n_boot, seed)
    sections, texts = looked_up(contributions, ids, ["section", "text"])
    by_rule = dict(zip(ids, [section_functions.get(section) or "" for section in sections]))
    coded_a, coded_b = function_labels(rows, coders[0], ids, functions), function_labels(rows, coders[1], ids, functions)
    reference_functions = {cid: by_rule[cid] or coded_a[cid] for cid in ids}
    coded_scope = [cid for cid in ids if not by_rule[cid]]
    tested = themes[(themes["code_id"] != POOLED) & themes["alpha"].notna()]
    weakest = tested.sort_values(["alpha", "code_id"]).iloc[0] if len(tested) else None
    pooled_theme, pooled_code = themes[themes["code_id"] == POOLED].iloc[0], codes[codes["code_id"] == POOLED].iloc[0]
    functions_tested = any(coded_b.values())
    summary = [
        {"measure": "weakest theme", "label": weakest["label"] if weakest is not None else "", "alpha": weakest["alpha"] if weakest is not None else np.nan,
         "ci_low": weakest["ci_low"] if weakest is not None else np.nan, "ci_high": weakest["ci_high"] if weakest is not None else np.nan,
         **_cluster_bounds(weakest), "n_units": len(ids), "agreement": weakest["percent_agreement"] if weakest is not None else np.nan},
        {"measure": "pooled over themes", "label": "", "alpha": pooled_theme["alpha"], "ci_low": pooled_theme["ci_low"], "ci_high": pooled_theme["ci_high"],
         **_cluster_bounds(pooled_theme), "n_units": int(pooled_theme["n_units"]), "agreement": pooled_theme["percent_agreement"]},
        {"measure": "pooled over codes", "label": "", "alpha": pooled_code["alpha"], "ci_low": pooled_code["ci_low"], "ci_high": pooled_code["ci_high"],
         **_cluster_bounds(pooled_code), "n_units": int(pooled_code["n_units"]), "agreement": pooled_code["percent_agreement"]},
        *([{"label": "", **function_summary(reference_functions, coded_b, coded_scope, n_boot, seed, "where coded", lists)},
           {"label": "", **function_summary(reference_functions, coded_b, [cid for cid in ids if by_rule[cid]], n_boot, seed, "fixed by heading", lists)},
           {"label": "", **function_summary(reference_functions, coded_b, ids, n_boot, seed, "all, against the section rule", lists)}]
          if functions_tested else []),
        {"measure": "set of codes per contribution (MASI)", "label": "", "alpha": masi,
         **dict(zip(("ci_low", "ci_high"), al.percentile_interval(masi_boot)[:2])), **_masi_cluster_bounds(a, b, clusters, n_boot, seed),
         "n_units": len(ids), "agreement": float(np.mean((a == b).all(axis=1)))},
    ]
    code_ids = codes.loc[codes["code_id"] != POOLED, "code_id"].tolist()  # the columns of a and b
    disagreeing = disagreement_table(ids, texts, code_ids, a, b,
                                     reference_functions if functions_tested else {}, coded_b if functions_tested else {})
    only_heading = (disagreeing[["codes_only_reference", "codes_only_second"]] == "").all(axis=1) & disagreeing["contribution_id"].map(by_rule).astype(bool)
    disagreeing = disagreeing.assign(settled_by=np.where(only_heading, "section heading", "logged decision"))
    label = {"test": test["id"], "codebook_version": test["codebook_version"]}
    tables = {"theme_alpha": themes, "code_alpha": codes, "summary": pd.DataFrame(summary), "disagreements": disagreeing}
    shown = [cid for cid in ids if cid in codebook_examples(codebook)]
    if shown:  # the codebook showed these to the coder: every measure again without them
        unseen = [cid for cid in ids if cid not in set(shown)]
        tables["summary_without_examples"] = _without_examples_summary(rows, codebook, unseen, coders, functions, reference_functions, coded_b,
                                                                        by_rule, functions_tested, n_boot, seed, len(shown), lists)
    return {name: table.assign(**label) for name, table in tables.items()}


def _without_examples_summary(rows: pd.DataFrame, codebook: Mapping, unseen: Sequence[str], coders: tuple[str, str], functions: Sequence[str],
                              reference_functions: Mapping[str, str], coded_b: Mapping[str, str], by_rule: Mapping[str, str],
                              functions_tested: bool, n_boot: int, seed: int, n_shown: int, lists: Mapping[str, str] | None) -> pd.DataFrame:
    """Theme alphas, pooled alphas, MASI and the statement function on the sampled contributions
    the codebook never showed (its declared examples left out)."""
    clusters = [lists[cid] for cid in unseen] if lists is not None else None
    themes, codes, a, b = level_tables(rows[rows["contribution_id"].isin(unseen)], codebook, unseen, coders, functions, n_boot, seed, clusters)
    masi, masi_boot = al.set_alpha(a, b, n_boot, seed)
    measures = [{"measure": f"theme: {row['label']}", "alpha": row["alpha"], "ci_low": row["ci_low"], "ci_high": row["ci_high"], **_cluster_bounds(row),
                 "n_units": len(unseen), "agreement": row["percent_agreement"], "positives": row["positives"], "status": row["status"]}
                for _, row in themes[themes["code_id"] != POOLED].iterrows()]
    for name, table in (("pooled over themes", themes), ("pooled over codes", codes)):
        row = table[table["code_id"] == POOLED].iloc[0]
        measures.append({"measure": name, "alpha": row["alpha"], "ci_low": row["ci_low"], "ci_high": row["ci_high"], **_cluster_bounds(row),
                         "n_units": int(row["n_units"]), "agreement": row["percent_agreement"]})
    measures.append({"measure": "set of codes per contribution (MASI)", "alpha": masi,
                     **dict(zip(("ci_low", "ci_high"), al.percentile_interval(masi_boot)[:2])),
                     **_masi_cluster_bounds(a, b, clusters, n_boot, seed), "n_units": len(unseen),
                     "agreement": float(np.mean((a == b).all(axis=1))) if len(unseen) else np.nan})
    if functions_tested:
        measures += [function_summary(reference_functions, coded_b, [cid for cid in unseen if not by_rule[cid]], n_boot, seed, "where coded", lists),
                     function_summary(reference_functions, coded_b, [cid for cid in unseen if by_rule[cid]], n_boot, seed, "fixed by heading", lists)]
    return pd.DataFrame(measures).assign(examples_left_out=n_shown)


def _masi_cluster_bounds(a: np.ndarray, b: np.ndarray, clusters: Sequence[str] | None, n_boot: int, seed: int) -> dict:
    """MASI alpha's interval from resampling whole lists, when each unit's list is known."""
    if clusters is None:
        return {}
    return dict(zip(("cluster_ci_low", "cluster_ci_high"), al.percentile_interval(al.cluster_set_bootstrap(a, b, clusters, n_boot, seed))[:2]))


def _cluster_bounds(row) -> dict:
    """A row's interval from resampling whole lists, where the table has one."""
    if row is None or "cluster_ci_low" not in row:
        return {}
    return {"cluster_ci_low": row["cluster_ci_low"], "cluster_ci_high": row["cluster_ci_high"]}


def function_test_tables(test: Mapping, contributions: pd.DataFrame, coding: pd.DataFrame, section_functions: Mapping[str, str | None],
                         functions: Sequence[str], ids: Sequence[str], n_boot: int, seed: int,
                         lists: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a test of the statement functions alone: alpha where coded (with the
    interval from resampling whole lists, given each contribution's list), and the
    contributions whose functions differ."""
    reference = function_labels(coding, test["reference"], ids, functions)
    second = function_labels(coding, test["second_coder"], ids, functions)
    summary = pd.DataFrame([{"label": "", **function_summary(reference, second, list(ids), n_boot, seed, "where coded", lists)}])
    no_codes = np.zeros((len(ids), 0), dtype=bool)
    label = {"test": test["id"], "codebook_version": test["codebook_version"]}
    return {"summary": summary.assign(**label),
            "disagreements": disagreement_table(list(ids), looked_up(contributions, ids, ["text"])[0], [], no_codes, no_codes, reference, second).assign(**label)}


def untested_codes(codebook: Mapping, given: Mapping) -> list[str]:
    """Codes of ``codebook`` that the current test's coder did not test as they now stand: added
    since, or with a definition field that differs from the codebook as given."""
    was = {str(c["id"]): c for c in given.get("codes", [])}
    return [str(c["id"]) for c in codebook["codes"]
            if str(c["id"]) not in was or any(str(c.get(f, "")).split() != str(was[str(c["id"])].get(f, "")).split() for f in DEFINITION_FIELDS)]


def contribution_lists(data: Data, contributions: pd.DataFrame) -> dict[str, str] | None:
    """Each contribution's list (the values of robustness.yaml's ``list_columns`` joined), the
    cluster a reliability interval resamples whole; None when the data name no list columns."""
    if not data.exists(ROBUSTNESS_YAML):
        return None
    columns = [c for c in load_settings(data).list_columns if c in contributions.columns]
    if not columns:
        return None
    keys = list_ids(contributions, columns)
    return dict(zip(keys.index, keys))


def reference_changes(coding: pd.DataFrame, test: Mapping, ids: Sequence[str]) -> pd.DataFrame:
    """The rows on a test's sample in which the reference as it stood when the key was written
    (``reference``) and as it was changed later (``later_reference``) differ: each
    (contribution, code) with ``at_key`` and ``later`` present or absent."""
    def pairs(coder: str) -> set[tuple[str, str]]:
        rows = sample_rows(coding, [coder], ids)
        return set(zip(rows["contribution_id"], rows["code_id"]))

    at_key, later = pairs(test["reference"]), pairs(test["later_reference"])
    changed = sorted(at_key ^ later)
    return pd.DataFrame({"test": test["id"], "contribution_id": [c for c, _ in changed], "code_id": [k for _, k in changed],
                         "at_key": ["present" if p in at_key else "absent" for p in changed],
                         "later": ["present" if p in later else "absent" for p in changed]},
                        columns=["test", "contribution_id", "code_id", "at_key", "later"])


def reliability_tables(data: Data, contributions: pd.DataFrame, coding: pd.DataFrame, section_functions: Mapping[str, str | None],
                       n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """The reliability tables of every test in tests.yaml, stacked (column ``test``), and
    ``tests`` (the registry with each test's sample size). ``coding`` holds every coder's rows."""
    codebook, tests = load_codebook(data), load_tests(data)
    stacked: dict[str, list[pd.DataFrame]] = {}
    registry = []
    lists = contribution_lists(data, contributions)
    for test in tests:
        ids = sample_ids(data, test)
        if not (coding["coder"] == test["second_coder"]).any():
            continue  # drawn and sent, not yet returned
        registry.append({**{k: test.get(k) for k in ("id", "codebook_version", "reference", "second_coder", "scope", "current", "blind", "note", "adjudication")}, "n_units": len(ids)})
        for name, table in test_tables(test, contributions, coding, codebook, section_functions, ids, n_boot, seed, lists).items():
            stacked.setdefault(name, []).append(table)
        if test.get("later_reference"):
            stacked.setdefault("reference_changes", []).append(reference_changes(coding, test, ids))
    tables = {name: pd.concat(parts, ignore_index=True) for name, parts in stacked.items()}
    tables["tests"] = pd.DataFrame(registry)
    return tables


def facilitator_tables(data: Data, contributions: pd.DataFrame, coding: pd.DataFrame, tests: Sequence[Mapping]) -> dict[str, pd.DataFrame]:
    """The consistency check against the facilitators' action themes, when the data have a
    crosswalk: the consensus on every example action, and the current test's two coders on
    the example actions in its sample (blind for the second coder only)."""
    if not data.exists(CROSSWALK_CSV):
        return {}
    crosswalk = load_crosswalk(data)
    current = current_test(tests)
    ids = sample_ids(data, current)
    runs = [(CONSENSUS, "all example actions", facilitator_agreement(contributions, coding, crosswalk)),
            (current["reference"], f"{current['id']} sample", facilitator_agreement(contributions, coding, crosswalk, current["reference"], ids)),
            (current["second_coder"], f"{current['id']} sample", facilitator_agreement(contributions, coding, crosswalk, current["second_coder"], ids))]
    summary = pd.DataFrame([{"coder": coder, "example_actions": scope, "n": run.n, "agreement": run.agreement,
                             "agreement_any": run.agreement_any, "kappa": run.kappa}
                            for coder, scope, run in runs])
    return {"facilitator_items": runs[0][2].items, "facilitator_confusion": runs[0][2].confusion.reset_index(), "facilitator_summary": summary}


def reliability_report(data: Data, n_boot: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every reliability table of the data folder, from one call with one seed: the tests'
    tables (see :func:`reliability_tables`) and the facilitator check."""
    from analysis.coding.functions import read_section_functions
    from analysis.coding.coding_checks import load_coding
    from analysis.evidence.loaders import load_contributions

    contributions, coding = load_contributions(data), load_coding(data)
    tables = reliability_tables(data, contributions, coding, read_section_functions(data), n_boot, seed)
    return {**tables, **facilitator_tables(data, contributions, coding, load_tests(data))}


def untested_in_current(data: Data, codebook: Mapping) -> list[str]:
    """Codes not tested as they now stand by the current test (:func:`untested_codes` against the
    codebook its coder was given, kept beside its sample); none when no given codebook was kept."""
    test = current_test(load_tests(data))
    given = f"{Path(test['sample']).parent}/codebook_as_given.yaml"
    if not data.exists(given):
        return []
    content, problems = data.yaml(given)
    raise_if(problems)
    return untested_codes(codebook, content)


def whole_corpus_coder(data: Data, contributions: pd.DataFrame) -> str:
    """The second coder of the current test when its sample is every contribution ('' otherwise)."""
    if not data.exists(TESTS_YAML):
        return ""
    test = current_test(load_tests(data))
    return test["second_coder"] if set(contributions["contribution_id"]) <= set(sample_ids(data, test)) else ""


def coded_function_alpha(data: Data, coding: pd.DataFrame, contributions: pd.DataFrame, codebook: Mapping) -> tuple[str | None, float, int]:
    """The latest test whose second coder coded statement functions: its id, alpha over the sampled
    contributions whose function is coded, and how many they are; (None, NaN, 0) when no test
    measured them."""
    from analysis.coding.functions import read_section_functions

    if not data.exists(TESTS_YAML):
        return None, float("nan"), 0
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    coded_sections = {section for section, function in read_section_functions(data).items() if function is None}
    section_of = dict(zip(contributions["contribution_id"].tolist(), contributions["section"].tolist()))
    for test in reversed(load_tests(data)):
        ids = [cid for cid in sample_ids(data, test) if section_of.get(cid) in coded_sections]
        second = function_labels(coding, test["second_coder"], ids, functions)
        if ids and any(second.values()):
            reference = function_labels(coding, test["reference"], ids, functions)
            return test["id"], al.nominal_alpha([reference[c] for c in ids], [second[c] for c in ids]), len(ids)
    return None, float("nan"), 0


def coded_function_status(data: Data, coding: pd.DataFrame, contributions: pd.DataFrame, codebook: Mapping) -> str:
    """Whether statement functions that are coded (not fixed by their section) are counted: the
    study's rule applied to :func:`coded_function_alpha`; not counted when no test measured them."""
    test, alpha, n = coded_function_alpha(data, coding, contributions, codebook)
    return STATUS_NOT_COUNTED if test is None else status(alpha, n)


def reliability_statuses(data: Data, coding: pd.DataFrame, codebook: Mapping) -> dict[str, dict[str, str]]:
    """Each theme's and each code's status under the current test (point estimates):
    ``{"themes": {id: status}, "codes": {id: status}}``; empty when the data have no test
    whose answers are in."""
    if not data.exists(TESTS_YAML):
        return {}
    test = current_test(load_tests(data))
    if not (coding["coder"] == test["second_coder"]).any():
        return {}
    ids, coders = list(dict.fromkeys(sample_ids(data, test))), (test["reference"], test["second_coder"])
    functions = [str(f["id"]) for f in codebook.get("statement_functions", [])]
    themes, codes, _, _ = level_tables(sample_rows(coding, coders, ids), codebook, ids, coders, functions, 0, 0)
    by_level = {"themes": themes, "codes": codes}
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


