"""The reliability tests recorded in ``reliability/tests.yaml``: their fields, their samples
and the references frozen before each packet went out. Blind packets, keys and the returned
files are in their folders (:mod:`analysis.coding.blind_test`)."""

from __future__ import annotations


import numpy as np

from analysis.coding.coding_table import CODING_CSV
from analysis.evidence.data import Data, once
from analysis.evidence.loaders import read_contribution_ids
from analysis.evidence.readers import Problem
from analysis.evidence.validate import CONTRIBUTIONS_CSV
from analysis.paths import display_path


TESTS_YAML = "reliability/tests.yaml"

#: Fields of a test in reliability/tests.yaml: required text fields, then optional ones and their types.
TEST_TEXT_FIELDS = ("id", "codebook_version", "sample", "reference", "second_coder")
TEST_OPTIONAL_FIELDS = {"reconciliation": str, "scope": str, "current": bool, "blind": bool, "note": str,
                        "reference_snapshot": str, "later_reference": str, "adjudication": str}
TEST_SCOPES = ("functions",)


@once
def check_reliability_tests(data: Data) -> list[Problem]:
    """Problems of reliability/tests.yaml (none when the data record no test): each test's
    fields and their types, exactly one current test, a known scope, and each sample file
    readable with a ``contribution_id`` column of known contributions; a named reconciliation
    log must exist (its rows are checked with the coding)."""
    if not data.exists(TESTS_YAML):
        return []
    content, problems = data.yaml(TESTS_YAML)
    if content is None:
        return problems
    shown = display_path(data.file(TESTS_YAML))
    tests = content.get("tests")
    if not isinstance(tests, list) or not tests:
        return [Problem(shown, None, "tests", "missing or not a non-empty list")]
    known = read_contribution_ids(data)
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
        if isinstance(test.get("reconciliation"), str) and not data.exists(test["reconciliation"]):
            problems.append(Problem(shown, None, f"{where}.reconciliation", f"no file {test['reconciliation']}"))
        if isinstance(test.get("sample"), str) and test["sample"].strip():
            frame, found = data.csv(test["sample"])
            if frame is None:
                problems += found
            elif "contribution_id" not in frame.columns:
                problems.append(Problem(display_path(data.file(test["sample"])), None, "contribution_id", "missing column"))
            elif known is not None:
                sample_shown = display_path(data.file(test["sample"]))
                unknown = ~frame["contribution_id"].isin(known).to_numpy()
                problems += [Problem(sample_shown, row, "contribution_id", f"unknown contribution_id {cid!r} (not in {CONTRIBUTIONS_CSV})")
                             for row, cid in zip((np.flatnonzero(unknown) + 1).tolist(), frame["contribution_id"][unknown].tolist())]
    if sum(bool(test.get("current")) for test in tests if isinstance(test, dict)) != 1:
        problems.append(Problem(shown, None, "tests", "exactly one test must be marked current: true"))
    return problems

@once
def check_frozen_references(data: Data) -> list[Problem]:
    """Each test with a ``reference_snapshot``: the reference coder's rows on the test's sample
    in coding.csv must be exactly the snapshot's (rows whose ``origin`` is ``heading`` are the
    section rule's, not coding rows), so a reference cannot change after its packet went out."""
    if not data.exists(TESTS_YAML) or check_reliability_tests(data):
        return []  # the tests' own check reports it
    coding = data.table(CODING_CSV, ["contribution_id", "code_id", "coder"])
    if coding is None:
        return []
    problems = []
    for test in data.yaml(TESTS_YAML)[0]["tests"]:
        if not test.get("reference_snapshot"):
            continue
        snapshot, found = data.csv(test["reference_snapshot"])
        if snapshot is None or not {"contribution_id", "code_id"} <= set(snapshot.columns):
            problems += found or [Problem(display_path(data.file(test["reference_snapshot"])), None, "contribution_id, code_id", "missing column")]
            continue
        if "origin" in snapshot.columns:
            snapshot = snapshot[snapshot["origin"] != "heading"]
        ids = set(data.csv(test["sample"])[0]["contribution_id"])
        rows = coding[(coding["coder"] == test["reference"]) & coding["contribution_id"].isin(ids)]
        frozen, now = set(zip(snapshot["contribution_id"], snapshot["code_id"])), set(zip(rows["contribution_id"], rows["code_id"]))
        changed = sorted(frozen ^ now)
        if changed:
            shown = ", ".join(f"{'+' if pair in now else '-'}{pair[0]}/{pair[1]}" for pair in changed[:5])
            problems.append(Problem(display_path(data.file(CODING_CSV)), None, "coder",
                                    f"{test['id']}: {test['reference']}'s rows differ from the reference frozen in {test['reference_snapshot']} "
                                    f"({len(changed)} row(s): {shown}{', ...' if len(changed) > 5 else ''}); a reference may not change after its packet"))
    return problems


def later_reconciliations(data: Data) -> list[tuple[dict, str]]:
    """(test, log's name in the data folder) for every test in reliability/tests.yaml that names a
    reconciliation log, in order."""
    if not data.exists(TESTS_YAML):
        return []
    content, _ = data.yaml(TESTS_YAML)
    return [(test, test["reconciliation"]) for test in (content or {}).get("tests", []) if test.get("reconciliation")]
