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
