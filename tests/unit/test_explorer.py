"""The evidence explorer split into an index and a page per cell beyond a size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import html as lxml_html

from analysis.report import explorer
from analysis.paths import PROJECT_ROOT

N, ITEMS, GROUPS = 300, ["relationships", "workload", "voice", "unused"], ["users", "workers", "managers"]


@pytest.fixture
def corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(1)
    ids = [f"SX-{i:04d}" for i in range(N)]
    presence = pd.DataFrame((rng.random((N, len(ITEMS))) < [0.5, 0.3, 0.2, 0.0]).astype(int), index=ids, columns=ITEMS)
    contributions = pd.DataFrame({"contribution_id": ids, "speaker_group": rng.choice(GROUPS, N), "speaker_label": "Someone",
                                  "source_id": "s1", "text": [f"Statement <b>{i}</b> & more" for i in range(N)]})
    return presence, contributions


def themes_of(presence, contributions) -> list[dict]:
    return explorer.explorer_themes(presence, contributions, "speaker_group", {"users": "Users"}, {}, {"s1": "Source one"})


def quote_ids(page: lxml_html.HtmlElement) -> list[str]:
    return page.xpath("//span[@class='cid']/text()")


def test_beyond_the_stated_size_the_pages_together_hold_every_statement_of_every_cell(corpus, tmp_path: Path, monkeypatch):
    presence, contributions = corpus
    monkeypatch.setattr(explorer, "ONE_PAGE_QUOTES", int(presence.to_numpy().sum()) - 1)
    themes = themes_of(presence, contributions)
    pages = explorer.ExplorerPages.of(themes)
    assert pages.split
    written = explorer.write_explorer(tmp_path / "evidence.html", themes, "T", "Intro.", pages=pages)
    index = lxml_html.fromstring((tmp_path / "evidence.html").read_text(encoding="utf-8"))
    assert quote_ids(index) == []  # the index holds no statement
    for item in ITEMS:
        for group in GROUPS:
            expected = presence.index[(presence[item] == 1).to_numpy() & (contributions["speaker_group"] == group).to_numpy()].tolist()
            if not expected:
                assert not index.xpath(f"//li[@id='cell-{item}-{group}']")
                continue
            link = index.xpath(f"//li[@id='cell-{item}-{group}']/a/@href")
            assert link == [pages.href(f"cell-{item}-{group}").partition("#")[0]]
            page = lxml_html.fromstring((tmp_path / link[0]).read_text(encoding="utf-8"))
            assert quote_ids(page) == expected
            assert page.xpath("//a[text()='Back to the briefing']/@href") == ["../../briefing.html"]
            assert not page.xpath("//script | //link | //img") and page.xpath("string(//style)")  # self-contained
    assert len(written) == 1 + sum(len(theme["cells"]) for theme in themes)
    for contribution_id in presence.index[presence.sum(axis=1) > 0]:  # every statement's link lands on its anchor
        target, _, anchor = pages.statement(contribution_id).partition("#")
        assert lxml_html.fromstring((tmp_path / target).read_text(encoding="utf-8")).xpath(f"//*[@id='{anchor}']")
    assert "&lt;b&gt;" in (tmp_path / pages.statement("SX-0000").partition("#")[0]).read_text(encoding="utf-8")  # escaped


def test_up_to_the_stated_size_the_explorer_is_one_page(corpus, tmp_path: Path, monkeypatch):
    presence, contributions = corpus
    themes = themes_of(presence, contributions)
    monkeypatch.setattr(explorer, "ONE_PAGE_QUOTES", sum(cell["n"] for theme in themes for cell in theme["cells"]))
    pages = explorer.ExplorerPages.of(themes)
    assert not pages.split and pages.href("cell-voice-users") == "evidence.html#cell-voice-users"
    assert explorer.write_explorer(tmp_path / "evidence.html", themes, "T", "Intro.", pages=pages) == [tmp_path / "evidence.html"]
    page = lxml_html.fromstring((tmp_path / "evidence.html").read_text(encoding="utf-8"))
    once_at_least = np.maximum(presence.sum(axis=1), 1)  # a statement carrying no counted code is shown once, under its own heading
    assert sorted(quote_ids(page)) == sorted(contributions["contribution_id"][np.repeat(range(N), once_at_least)])


def test_the_real_corpus_explorer_is_one_page():
    committed = lxml_html.fromstring((PROJECT_ROOT / "outputs" / "evidence.html").read_text(encoding="utf-8"))
    assert len(quote_ids(committed)) <= explorer.ONE_PAGE_QUOTES and committed.xpath("//details[@class='cell']")


def links_land(folder: Path, page_name: str) -> dict[str, bool]:
    """Every link on a written explorer page, and whether its target page holds its anchor."""
    page = lxml_html.fromstring((folder / page_name).read_text(encoding="utf-8"))
    landed = {}
    for href in page.xpath("//main//a/@href | //nav//a/@href"):
        target, _, anchor = href.partition("#")
        if anchor:
            holder = lxml_html.fromstring((folder / (target or page_name)).read_text(encoding="utf-8"))
            landed[href] = bool(holder.xpath(f"//*[@id='{anchor}']"))
    return landed


def figures_behind(presence, contributions) -> list[dict]:
    cells = explorer.cell_rows(pd.DataFrame({"speaker_group": ["users", "workers"], "theme_id": ["voice", "voice"], "n": [3, 0]}),
                               {"users": "Users"})
    return [{"name": "heatmap", "number": 1, "finding": "Users raised voice most.", "rows": cells, "same_as": None},
            {"name": "map", "number": 2, "finding": "Users stand apart.", "rows": cells, "same_as": {"name": "heatmap", "number": 1}},
            {"name": "agreement", "number": 3, "finding": "Coders agreed.", "same_as": None,
             "rows": explorer.reliability_rows(["SX-0002", "SX-0001"], ["SX-0001"])}]


def split_or_not(corpus, monkeypatch, split: bool) -> list[dict]:
    """The corpus's themes for the explorer, which then writes one page per cell when ``split``."""
    if split:
        monkeypatch.setattr(explorer, "ONE_PAGE_QUOTES", 1)
    return themes_of(*corpus)


@pytest.mark.parametrize("split", [False, True])
def test_every_index_and_figure_link_of_the_explorer_lands_on_its_anchor(corpus, tmp_path: Path, monkeypatch, split):
    presence, contributions = corpus
    themes = split_or_not(corpus, monkeypatch, split)
    pages = explorer.ExplorerPages.of(themes)
    explorer.write_explorer(tmp_path / "evidence.html", themes, "T", "Intro.", pages=pages, figures=figures_behind(presence, contributions))
    landed = links_land(tmp_path, "evidence.html")
    assert len(landed) > 20 and all(landed.values()), [href for href, ok in landed.items() if not ok]
    page = lxml_html.fromstring((tmp_path / "evidence.html").read_text(encoding="utf-8"))
    behind = page.xpath(f"//*[@id='{explorer.behind_anchor('agreement')}']/following-sibling::ul//a")
    assert [(a.xpath("string(ancestor::li/span[@class='group'])"), a.text) for a in behind] == [
        ("The coders differed", "SX-0001"), ("The coders agreed", "SX-0002")]
    assert page.xpath(f"string(//*[@id='{explorer.behind_anchor('heatmap')}']/following-sibling::ul//a/@href)").endswith("#cell-voice-users")
    assert page.xpath(f"//*[@id='{explorer.behind_anchor('map')}']/following-sibling::p/a/@href") == ["#behind-heatmap"]  # listed once
    assert not page.xpath("//script")


def test_the_indexes_find_every_group_and_every_word_of_four_letters_or_more_without_a_script(corpus):
    presence, contributions = corpus
    themes = themes_of(presence, contributions)
    groups = explorer.group_index(themes)
    assert [group["label"] for group in groups] == ["managers", "Users", "workers"]  # alphabetical, whatever the case
    assert {cell["anchor"] for group in groups for cell in group["cells"]} == {cell["anchor"] for theme in themes for cell in theme["cells"]}
    words = {word["word"]: [place["anchor"] for place in word["places"]] for letter in explorer.word_index(themes) for word in letter["words"]}
    assert words["users"] == ["group-users"] and words["relationships"] == ["theme-relationships"]
    assert "and" not in words and all(len(word) >= explorer.SHORTEST_INDEXED_WORD for word in words)
    page = lxml_html.fromstring(explorer.explorer_page(themes, "T", "briefing.html", "Intro."))
    assert page.xpath("//nav//a[@href='#words-u']/@aria-label") == ["Words beginning with U"]


def test_a_figures_row_of_statements_lists_at_most_so_many_and_says_how_many_more():
    from analysis.report.explorer import MOST_STATEMENTS_LISTED, statement_rows

    ids = [f"S-{n}" for n in range(MOST_STATEMENTS_LISTED + 7)]
    (row,) = statement_rows({"All of them": ids})
    assert [link["text"] for link in row["links"]] == ids[:MOST_STATEMENTS_LISTED] and row["more"] == 7
    assert statement_rows({"Few": ids[:3]})[0]["more"] == 0 and statement_rows({"None": []}) == []


@pytest.mark.parametrize("split", [False, True])
def test_the_explorers_titles_add_no_colon_to_the_briefings_title(corpus, tmp_path: Path, monkeypatch, split):
    from analysis.report.citation import TITLE

    themes = split_or_not(corpus, monkeypatch, split)
    for path in explorer.write_explorer(tmp_path / "evidence.html", themes, TITLE, "Intro.", pages=explorer.ExplorerPages.of(themes)):
        title = lxml_html.fromstring(path.read_text(encoding="utf-8")).findtext(".//title")
        assert title.startswith(TITLE) and title.count(":") == TITLE.count(":"), title


def test_the_rows_behind_a_figure_are_headed_by_their_groups_pairs_and_sides():
    labels = {"users": "Users", "voice": "Voice", "care": "Care", "carers": "Carers"}
    cells = explorer.cell_rows(pd.DataFrame({"speaker_group": ["users"], "theme_id": ["voice"], "n": [3]}), labels, "2012")
    assert cells == [{"heading": "2012: Users", "links": [{"anchor": "cell-voice-users", "text": "Voice (3)"}]}]
    presence = pd.DataFrame({"voice": [1, 1], "care": [1, 0]}, index=["a", "b"])
    pairs = explorer.pair_rows(pd.DataFrame({"code_a": ["voice"], "code_b": ["care"]}), presence, labels)
    assert [(row["heading"], [link["text"] for link in row["links"]]) for row in pairs] == [("Voice with Care", ["a"])]
    voice = pd.DataFrame({"comparison": ["Carers: their words and words about them"] * 2, "side": ["voice", "subject"],
                          "groups": ["users; carers", "carers"]})
    contributions = pd.DataFrame({"contribution_id": ["a", "b"], "speaker_group": ["users", "review"], "subject_group": ["", "carers"]})
    assert [row["heading"] for row in explorer.side_rows(voice, contributions, labels)] == [
        "Carers, said by Users, Carers", "Carers, written about Carers"]
