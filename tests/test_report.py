"""Figures carry captions and alt text; tables carry captions; the page gets a working contents list."""

import base64
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from lxml import html as lxml_html

from analysis.evidence.audit import contribution_counts, demote_headings, markdown_sections
from analysis.report.render import add_heading_ids, briefing_page, table_of_contents
from analysis.report.output import figure_html, save_figure, save_table, table_html


def test_a_saved_figure_is_shown_embedded_with_its_alt_text_and_caption(tmp_path):
    figure, axes = plt.subplots()
    axes.plot([0, 1], [0, 1])
    save_figure(figure, tmp_path, "line", caption="A line & a caption.", alt="A rising line.")
    assert json.loads((tmp_path / "line.json").read_text()) == {"caption": "A line & a caption.", "alt": "A rising line."}
    shown = lxml_html.fromstring(figure_html(tmp_path, "line", number=3))
    image = shown.xpath("//img")[0]
    assert image.get("alt") == "A rising line."
    assert base64.b64decode(image.get("src").split(",", 1)[1]).startswith(b"<?xml")
    assert shown.xpath("string(//figcaption)") == "Figure 3. A line & a caption."


@pytest.mark.parametrize(("caption", "alt"), [("", "alt"), ("caption", "  ")])
def test_a_figure_without_caption_or_alt_text_is_refused(tmp_path, caption, alt):
    figure, _ = plt.subplots()
    with pytest.raises(ValueError, match="needs both a caption and alt text"):
        save_figure(figure, tmp_path, "bare", caption=caption, alt=alt)


def test_tables_have_captions_and_right_aligned_numbers(tmp_path):
    table = pd.DataFrame({"group": ["a", "b"], "n": [3, 10], "share": [0.25, None]})
    shown = lxml_html.fromstring(table_html(table, "Counts.", "counts"))
    assert shown.xpath("string(//caption)") == "Counts. Full table: outputs/tables/counts.csv."
    assert [td.get("class") for td in shown.xpath("//tbody/tr[1]/td")] == ["text", "number", "number"]
    assert [td.text_content() for td in shown.xpath("//tbody/tr[2]/td")] == ["b", "10", ""]
    with pytest.raises(ValueError):
        table_html(table, " ")
    path = save_table(table, tmp_path, "counts", {"seed": 1})
    assert path.read_text(encoding="utf-8").splitlines()[0] == "group,n,share"


def test_headings_get_unique_ids_and_the_contents_links_to_them():
    body, headings = add_heading_ids(
        '<h2 id="x">Intro<a class="anchor-link" href="#x">¶</a></h2><h3>Two words</h3><h3>Two words</h3><h4>Not listed</h4>'
    )
    assert headings == [(2, "x", "Intro"), (3, "two-words", "Two words"), (3, "two-words-x", "Two words")]
    assert "anchor-link" not in body
    contents = lxml_html.fromstring(table_of_contents(headings))
    assert contents.xpath("//a/@href") == ["#x", "#two-words", "#two-words-x"]


def test_the_page_is_self_contained():
    page = briefing_page("<h2>Findings</h2><p>Text</p>", "Title", "Sub", "<p>Footer</p>")
    assert page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    assert "<link" not in page and "<script" not in page and "@page" in page


def test_counts_shares_and_notes_sections():
    contributions = pd.DataFrame({"source_id": ["s1", "s1", "s2"], "section": ["a", "b", "a"]})
    counts = contribution_counts(contributions, ["source_id"])
    assert counts.to_dict("list") == {"source_id": ["s1", "s2"], "n": [2, 1], "share": [2 / 3, 1 / 3]}
    notes = "# Notes\n\n## One\ntext 1\n### Sub\n## Two\ntext 2\n"
    assert markdown_sections(notes, ["Two", "One"]) == "## Two\ntext 2\n\n## One\ntext 1\n### Sub"
    with pytest.raises(KeyError, match="no section '## Three'"):
        markdown_sections(notes, ["Three"])
    assert demote_headings("## A\n### B\ntext #1", 2) == "#### A\n##### B\ntext #1"


def test_p_values_are_printed_with_three_decimals_or_as_a_bound():
    from analysis.report.output import format_p

    assert [format_p(p) for p in (0.04567, 0.0004, float("nan"))] == ["0.046", "< 0.001", ""]


def test_a_figure_saved_twice_gives_the_same_svg(tmp_path):
    for folder in ("one", "two"):
        figure, axes = plt.subplots()
        axes.bar(["a", "b"], [1, 2])
        save_figure(figure, tmp_path / folder, "bars", caption="Bars.", alt="Two bars.")
    assert (tmp_path / "one" / "bars.svg").read_bytes() == (tmp_path / "two" / "bars.svg").read_bytes()
    assert b"<text" in (tmp_path / "one" / "bars.svg").read_bytes()  # text kept as text
