"""Findings are written from tables: small hand-made tables with answers worked out by hand."""

import pandas as pd
import pytest

from analysis.report import findings as fx
from analysis.report.markup import names

SECTIONS = ("action_theme", "example_action")  # the themes' and the examples' sections, as the vocabulary marks them

CONTRIBUTIONS = pd.DataFrame({
    "contribution_id": ["a1", "a2", "a3", "b1", "b2", "t1", "t2", "e1", "e2", "e3"],
    "speaker_group": ["users", "users", "users", "workers", "workers", "facilitators", "facilitators", "planners", "planners", "planners"],
    "source_set": ["lancaster_2012"] * 3 + ["changing_lives_2006"] * 2 + ["lancaster_2012"] * 5,
    "subject_group": [None, None, None, "people_who_use_services", "people_who_use_services", None, None, None, None, None],
    "section": ["vision"] * 3 + ["aspiration"] * 2 + ["action_theme"] * 2 + ["example_action"] * 3,
    "parent_id": [None] * 7 + ["t2", "t2", None],
    "list_position": [1, 2, 3, 1, 2, 1, 2, 1, 2, 3],
    "text": ["Listen to us", "Stay long enough to know us", "Less paperwork", "have a consistent worker",
             "influence services", "Improve the image", "Train the workforce", "More CPD", "Joint posts", "Fragment"],
})
PRESENCE = pd.DataFrame(
    {"relationships": [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], "workload": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
     "voice": [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]},
    index=pd.Index(CONTRIBUTIONS["contribution_id"], name="contribution_id"),
).rename_axis(columns="theme_id")
LABELS = {"relationships": "Relationships", "workload": "Workload", "voice": "Voice", "users": "Users", "workers": "Workers"}


def prevalence(rows):
    return pd.DataFrame(rows, columns=["speaker_group", "theme_id", "n", "denominator", "share", "suppressed"])




def test_names_in_prose():
    assert names([]) == "" and names(["A"]) == "A" and names(["A", "B", "C"]) == "A, B and C"
    assert fx.name("people_who_use_services", {}) == "people who use services" and fx.name("users", LABELS) == "Users"
    assert fx.theme_name("relationships", LABELS) == "relationships" and fx.theme_name("cpd", {"cpd": "CPD and learning"}) == "CPD and learning"
