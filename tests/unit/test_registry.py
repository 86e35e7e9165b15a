"""The registry of comparisons: each entry runs in its notebook's section, saves its tables and
figures under their names with the run's parameters, and has a caption if shown."""

import json
from types import SimpleNamespace

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from analysis.report import registry
from analysis.report.registry import Comparison, Figure, notebook_writing
from analysis.paths import NOTEBOOKS_DIR
from analysis.report.briefing import caption
from analysis.report.figure_data import FigureData

RUN = {"theme_level": "theme", "min_source_n": 4}


def line(values, *, colour, width):
    """A figure of one line, as wide as asked, as the figures module draws them."""
    figure, axes = plt.subplots(figsize=(width, 2))
    axes.plot(values, color=colour)
    return figure


def counts_figures(study, tables):
    """One figure per row of the table, none for an empty table."""
    for _, row in tables["counts"].iterrows():
        yield FigureData(args=([0, row["n"]],), options={"colour": "black"},
                         values={"word": "theme", "count": row["n"]}, data=pd.DataFrame({"n": [row["n"]]}),
                         evidence=[{"heading": row["item"], "links": []}], suffix=row["item"])


def entries(compute):
    """A made-up notebook's registry: one comparison with a family of figures captioned as the source differences are."""
    return (Comparison("counts", compute, "99_made_up", "counting", shown=("counts",), nothing="too_few_source_sets",
                       figures=(Figure("source_difference", line, counts_figures),)),)


def study():
    return SimpleNamespace(parameters=RUN)


def test_a_section_saves_its_tables_and_each_figure_with_the_run_parameters(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "words", lambda name, **values: {"caption": f"{name}: {values['count']}.", "alt": "A line."})
    table = pd.DataFrame({"item": ["a", "b"], "n": [3, 5]})
    shown = registry.section("99_made_up", "counting", study(), tmp_path / "tables", tmp_path / "figures", entries(lambda s: table))
    assert pd.read_csv(tmp_path / "tables" / "counts.csv").equals(table)
    assert json.loads((tmp_path / "tables" / "counts.json").read_text())["parameters"] == RUN
    for item, n in (("a", 3), ("b", 5)):
        saved = json.loads((tmp_path / "figures" / f"source_difference_{item}.json").read_text())
        assert saved["caption"] == f"source_difference_{item}: {n}." and saved["parameters"] == RUN
        assert saved["evidence"] == [{"heading": item, "links": []}]
        assert pd.read_csv(tmp_path / "figures" / f"source_difference_{item}.csv")["n"].tolist() == [n]
        assert (tmp_path / "figures" / f"source_difference_{item}.phone.svg").is_file()
    assert shown[0].equals(table) and len(shown) == 3


def test_a_comparison_with_nothing_to_draw_saves_no_figure(tmp_path):
    empty = pd.DataFrame({"item": [], "n": []})
    shown = registry.section("99_made_up", "counting", study(), tmp_path / "tables", tmp_path / "figures", entries(lambda s: empty))
    assert (tmp_path / "tables" / "counts.csv").is_file() and not (tmp_path / "figures").exists()
    assert len(shown) == 1 and shown[0].empty


def test_a_comparison_that_makes_no_table_says_so_in_its_phrase(tmp_path):
    shown = registry.section("99_made_up", "counting", study(), tmp_path / "tables", tmp_path / "figures", entries(lambda s: {}))
    assert [item.data for item in shown] == ["Fewer than two source sets have at least 4 contributions, so there is nothing to compare."]
    assert not (tmp_path / "tables").exists()


def test_a_table_an_entry_does_not_declare_is_refused(tmp_path):
    with pytest.raises(ValueError, match="does not declare: other"):
        registry.section("99_made_up", "counting", study(), tmp_path, tmp_path, entries(lambda s: {"counts": pd.DataFrame(), "other": pd.DataFrame()}))
    with pytest.raises(ValueError, match="no registered comparison runs in section 'none'"):
        registry.section("99_made_up", "none", study(), tmp_path, tmp_path, entries(lambda s: {}))


def test_the_registry_names_who_writes_each_table_and_figure():
    assert registry.writing("positions_summary").name == "positions"
    assert registry.writing("source_difference_a_vs_b").name == "source_differences"  # one of a family
    assert registry.writing("similarity_dendrogram").name == "group_similarity"
    assert registry.writing("source_difference") is not None and registry.writing("source") is None


def test_a_notebook_runs_the_shared_and_unique_section_from_the_registry(tmp_path):
    presence = pd.DataFrame({"voice": [1, 0], "time": [0, 1]}, index=pd.Index(["a1", "b1"], name="contribution_id")).rename_axis(columns="theme_id")
    contributions = pd.DataFrame({"contribution_id": ["a1", "b1"], "source_set": ["one", "two"]})
    opened = SimpleNamespace(presence=presence, contributions=contributions, parameters=RUN)
    registry.section("30_sources_compared", "shared_and_unique", opened, tmp_path, tmp_path)
    assert set(pd.read_csv(tmp_path / "themes_by_source_set.csv")["status"]) == {"unique to one", "unique to two"}


def test_every_entry_names_a_notebook_section_it_shows_and_a_caption_when_the_briefing_shows_it():
    for comparison in registry.registered():
        path = NOTEBOOKS_DIR / f"{comparison.notebook}.ipynb"
        code = "\n".join(cell.source for cell in nbformat.read(str(path), as_version=4).cells if cell.cell_type == "code")
        assert f'show("{comparison.section}")' in code
        assert set(comparison.shown) <= set(comparison.table_names)
        for name in (*comparison.table_names, *(figure.name for figure in comparison.figures)):
            assert notebook_writing(name) == f"notebooks/{comparison.notebook}.ipynb"
        if comparison.in_briefing:
            assert caption(comparison.name)
