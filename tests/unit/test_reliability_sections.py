"""Notebook 40's sections: each one the notebook shows is defined, and a missing check says so."""

import re
from types import SimpleNamespace

import pandas as pd

from analysis.paths import NOTEBOOKS_DIR
from analysis.report.registry import notebook_writing
from analysis.report.reliability_sections import NOTEBOOK, SECTIONS, facilitators


def test_the_notebook_shows_every_section_and_only_those():
    source = (NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8")
    assert re.findall(r'show\(\\"([a-z_]+)\\"\)', source) == list(SECTIONS)


def test_data_without_facilitator_themes_say_there_is_no_consistency_check():
    (shown,) = facilitators(SimpleNamespace(tables={"tests": pd.DataFrame()}))
    assert shown.data == "These data hold no facilitator action themes, so there is no consistency check."


def test_what_the_sections_save_is_found_as_this_notebooks():
    for name in ("reliability_theme_alpha", "reliability_alpha", "suggested_codes_accuracy"):
        assert notebook_writing(name) == f"notebooks/{NOTEBOOK}.ipynb"
