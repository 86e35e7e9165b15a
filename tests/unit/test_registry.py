"""The registry of comparisons: each entry runs in its notebook, is saved under its name, and has a caption if shown."""

from types import SimpleNamespace

import pandas as pd

from analysis.compare import registry
from analysis.paths import NOTEBOOKS_DIR
from analysis.report.briefing import caption
from analysis.report.output import notebook_writing


def test_a_notebook_runs_its_entries_and_saves_each_under_its_name():
    presence = pd.DataFrame({"voice": [1, 0], "time": [0, 1]}, index=pd.Index(["a1", "b1"], name="contribution_id")).rename_axis(columns="theme_id")
    contributions = pd.DataFrame({"contribution_id": ["a1", "b1"], "source_set": ["one", "two"]})
    saved = {}
    tables = registry.run("30_sources_compared", SimpleNamespace(presence=presence, contributions=contributions),
                          lambda table, name: saved.setdefault(name, table))
    assert set(tables) == set(saved) == {c.name for c in registry.registered("30_sources_compared")}
    assert set(saved["themes_by_source_set"]["status"]) == {"unique to one", "unique to two"}
    assert registry.registered("no_such_notebook") == []


def test_every_entry_names_a_notebook_and_a_caption_when_the_briefing_shows_it():
    for comparison in registry.registered():
        assert (NOTEBOOKS_DIR / f"{comparison.notebook}.ipynb").exists()
        assert notebook_writing(comparison.name) == f"notebooks/{comparison.notebook}.ipynb"
        if comparison.in_briefing:
            assert caption(comparison.name)
