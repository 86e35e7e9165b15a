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
from analysis.report.output import figure_html, save_figure, save_table, svg_geometry, table_html


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
    assert not shown.xpath("//details")  # no data saved, no data table


def test_a_figure_keeps_its_text_legible_and_shows_its_data(tmp_path):
    figure, axes = plt.subplots(figsize=(6, 3))
    axes.plot([0, 1], [0, 1])
    axes.set_title("Seven", fontsize=7)
    axes.tick_params(labelsize=9)
    data = pd.DataFrame({"group": ["<b>x</b>", "y"], "share": [0.5, 0.25]})
    save_figure(figure, tmp_path, "small", caption="Small text.", alt="A line.", data=data)
    width, _, smallest = svg_geometry((tmp_path / "small.svg").read_text(encoding="utf-8"))
    assert smallest == pytest.approx(7 * 4 / 3, rel=0.01)  # 7 pt in a figure shown at natural size
    shown = lxml_html.fromstring(figure_html(tmp_path, "small", number=2))
    style = shown.xpath("//img/@style")[0]
    min_width = int(style.split(":")[1].strip().removesuffix("px"))
    assert min_width * smallest / width == pytest.approx(9, abs=0.05)  # never drawn with text below 9 CSS px
    assert shown.xpath("string(//details/summary)") == "The numbers behind Figure 2"
    assert shown.xpath("//details//tbody/tr/th/text()") == ["<b>x</b>", "y"]


def test_a_figure_with_a_phone_drawing_shows_it_on_screens_too_narrow_for_the_full_ones_text(tmp_path):
    wide, phone = plt.subplots(figsize=(6.5, 3))[0], plt.subplots(figsize=(3.3, 4))[0]
    for figure in (wide, phone):
        figure.axes[0].plot([0, 1], [0, 1])
    save_figure((wide, phone), tmp_path, "both", caption="Both.", alt="A line.", evidence=[{"heading": "h", "links": []}])
    assert json.loads((tmp_path / "both.json").read_text())["evidence"] == [{"heading": "h", "links": []}]
    width, _, smallest = svg_geometry((tmp_path / "both.svg").read_text(encoding="utf-8"))
    phone_width, _, phone_smallest = svg_geometry((tmp_path / "both.phone.svg").read_text(encoding="utf-8"))
    shown = lxml_html.fromstring(figure_html(tmp_path, "both", number=1))
    (source,) = shown.xpath("//picture/source")
    below = int(source.get("media").removeprefix("(max-width: ").removesuffix("px)"))
    assert (below - 32) * smallest / width == pytest.approx(12, abs=0.05)  # wider screens show the full figure's text at 12 px or more
    assert base64.b64decode(source.get("srcset").split(",", 1)[1]).decode("utf-8") == (tmp_path / "both.phone.svg").read_text(encoding="utf-8")
    assert base64.b64decode(shown.xpath("//figure//img/@src")[0].split(",", 1)[1]).decode("utf-8") == (tmp_path / "both.svg").read_text(encoding="utf-8")
    min_width = int(shown.xpath("//img/@style")[0].split(":")[1].strip().removesuffix("px"))
    assert min_width * phone_smallest / phone_width == pytest.approx(9, abs=0.05)  # the phone drawing may shrink only so far


@pytest.mark.parametrize(("caption", "alt"), [("", "alt"), ("caption", "  ")])
def test_a_figure_without_caption_or_alt_text_is_refused(tmp_path, caption, alt):
    figure, _ = plt.subplots()
    with pytest.raises(ValueError, match="needs both a caption and alt text"):
        save_figure(figure, tmp_path, "bare", caption=caption, alt=alt)


def test_tables_have_captions_and_right_aligned_numbers(tmp_path):
    table = pd.DataFrame({"group": ["a", "b"], "n": [3, 10], "share": [0.25, None]})
    shown = lxml_html.fromstring(table_html(table, "Counts <b>.</b>"))
    assert shown.xpath("string(//caption)") == "Counts <b>.</b>"
    assert shown.xpath("//div[@class='table-scroll']/@tabindex") == ["0"]  # a wide table scrolls in its own box
    assert [td.get("class") for td in shown.xpath("//tbody/tr[1]/td")] == ["text", "number", "number"]
    assert [td.text_content() for td in shown.xpath("//tbody/tr[2]/td")] == ["b", "10", ""]
    assert not shown.xpath("//table[@class='reflow']")  # short cells: the table scrolls in its box
    quotes = lxml_html.fromstring(table_html(pd.DataFrame({"group": ["a"], "quote": ["word " * 20]}), "Quotes."))
    assert quotes.xpath("//table/@class") == ["reflow"]  # long text: one card per row on a phone
    assert quotes.xpath("//tbody/tr/td/@data-label") == ["group", "quote"]
    with_headers = lxml_html.fromstring(table_html(table, "Counts.", row_headers=True))
    assert with_headers.xpath("//tbody/tr/th[@scope='row']/text()") == ["a", "b"]
    with pytest.raises(ValueError):
        table_html(table, " ")
    path = save_table(table, tmp_path, "counts", {"seed": 1})
    assert path.read_text(encoding="utf-8").splitlines()[0] == "group,n,share"


def test_p_value_columns_print_as_p_values_and_never_as_zero():
    table = pd.DataFrame({"theme": ["a", "b", "c"], "p (statements shuffled)": [1 / 2001, 0.0123, None],
                          "p, adjusted": [0.0004, 0.5, 1.0], "people": [0.0004, 0.5, 1.0]})
    rows = lxml_html.fromstring(table_html(table, "Tests.")).xpath("//tbody/tr")
    assert [[td.text_content() for td in row.xpath("td")] for row in rows] == [
        ["a", "< 0.001", "< 0.001", "0.00"], ["b", "0.012", "0.500", "0.50"], ["c", "", "1.000", "1.00"]]


def test_a_table_column_can_link_each_cell_escaped_and_one_address_per_row():
    table = pd.DataFrame({"group": ["a", "b"], "quote": ["“x” (A-1)", "“<y>” (B-2)"]})
    shown = lxml_html.fromstring(table_html(table, "Quotes.", links={"quote": ["evidence.html#c-A-1", ""]}))
    assert shown.xpath("//tbody/tr[1]/td[2]/a/@href") == ["evidence.html#c-A-1"]
    assert shown.xpath("//tbody/tr[2]/td[2]/a") == [] and shown.xpath("string(//tbody/tr[2]/td[2])") == "“<y>” (B-2)"
    with pytest.raises(ValueError, match="one address per row"):
        table_html(table, "Quotes.", links={"quote": ["only one"]})
    with pytest.raises(ValueError, match="one address per row"):
        table_html(table, "Quotes.", links={"missing": ["a", "b"]})


def test_headings_get_unique_ids_and_the_contents_links_to_them():
    body, headings = add_heading_ids(
        '<h2 id="x">Intro<a class="anchor-link" href="#x">¶</a></h2><h3>Two words</h3><h3>Two words</h3><h4>Not listed</h4>'
    )
    assert headings == [(2, "x", "Intro"), (3, "two-words", "Two words"), (3, "two-words-x", "Two words")]
    assert "anchor-link" not in body
    contents = lxml_html.fromstring(table_of_contents(headings))
    assert contents.xpath("//a/@href") == ["#x", "#two-words", "#two-words-x"]


def test_the_page_is_self_contained():
    page = briefing_page("<h2>Findings</h2><p>Text</p>", "Title <i>", "Sub <script>", "<p>Footer</p>")
    assert page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    assert "<link" not in page and "<script" not in page and "@page" in page
    assert "<title>Title &lt;i&gt;</title>" in page and "Sub &lt;script&gt;" in page
    assert "&lt;p&gt;Footer&lt;/p&gt;" in page  # a plain string is text; only markup made by a template passes


def test_page_one_is_the_summary_in_order_and_the_contents_follow_without_listing_it():
    body = ('<div><section class="key-messages"><h2 id="key-messages">Key messages</h2></section>'
            '<section class="about"><h2 id="about-this-briefing">About this briefing</h2></section>tail</div>'
            '<div><section class="implications"><h2 id="what-this-means">What this means</h2></section></div>'
            "<div><h2>Findings</h2></div>")
    tree = lxml_html.fromstring(briefing_page(body, "T", "S", "<p>F</p>"))
    assert [element.get("class") for element in tree.xpath("//main/*")[:2]] == ["summary", "toc"]
    assert tree.xpath("//div[@class='summary']/section/@class") == ["about", "key-messages", "implications"]
    assert tree.xpath("//nav[@class='toc']//a/@href") == ["#findings"]
    assert "tail" in tree.xpath("string(//main)")  # text beside a moved section stays
    without = lxml_html.fromstring(briefing_page("<h2>Only</h2>", "T", "S", "<p>F</p>"))
    assert without.xpath("//main/*[1]/@class") == ["toc"]


def test_the_title_block_and_metadata_say_when_who_licence_and_how_to_cite():
    from datetime import datetime, timezone

    from analysis.report.citation import Colophon

    colophon = Colophon(authors=("Ann <Author>", "Bo Writer"), licence="MIT", title="A study", version="1.2",
                        keywords=("social work",), date=datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc))
    tree = lxml_html.fromstring(briefing_page("<h2>Findings</h2>", "T", "S", "<p>F</p>", colophon))
    block = tree.xpath("//header[@class='title-block']")[0]
    assert block.xpath("string(.//p[@class='colophon'])") == "4 March 2026 · Ann <Author>, Bo Writer · licence: MIT"
    assert block.xpath("string(.//p[@class='cite'])") == "How to cite: Ann <Author>, Bo Writer (2026). A study, version 1.2."
    assert tree.xpath("//meta[@name='author']/@content") == ["Ann <Author>", "Bo Writer"]
    assert tree.xpath("//meta[@name='description']/@content") == ["A study"]
    assert tree.xpath("//meta[@name='dcterms.created']/@content") == ["2026-03-04T05:06:00Z"]


def test_templates_escape_every_value_and_markdown_drops_raw_html():
    from analysis.report.markup import fill, markdown_html

    assert fill("<p>{{ a }}</p>", a="<b onclick=x>") == "<p>&lt;b onclick=x&gt;</p>"
    shown = lxml_html.fromstring(markdown_html("- a <script>x()</script> **b**\n- <img src=x onerror=y>"))
    assert not shown.xpath("//script | //img") and shown.xpath("//strong/text()") == ["b"]
    assert "<script>x()</script>" in shown.text_content()
    with pytest.raises(Exception, match="undefined"):
        fill("{{ missing }}")


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


SCRIPT = "<script>alert(1)</script>"
ONERROR = "<img src=x onerror=alert(2)>"
PAYLOAD = SCRIPT + ONERROR


def plant(text: str, length: int | None = None) -> str:
    """The payload in place of ``text``; padded to ``length`` when the text's length is fixed (a verbatim span)."""
    if length is None:
        return f"{text} {PAYLOAD}"
    assert length >= len(PAYLOAD)
    return PAYLOAD + "x" * (length - len(PAYLOAD))


def planted_copy(tmp_path):
    """The fixture data with markup planted in every text that can reach the page."""
    import csv
    import hashlib
    import shutil

    import yaml

    from analysis.paths import PROJECT_ROOT

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "data", data)
    # A contribution's text: the verbatim span in its source, the same length so no offset moves.
    contributions = pd.read_csv(data / "contributions.csv", dtype=str, keep_default_na=False)
    row = contributions.index[contributions["text"].str.len() >= len(PAYLOAD)][0]
    start, end = int(contributions.at[row, "char_start"]), int(contributions.at[row, "char_end"])
    source_path = data / "sources" / f"{contributions.at[row, 'source_id']}.txt"
    source = source_path.read_text(encoding="utf-8")
    planted = plant(source[start:end], end - start)
    source_path.write_text(source[:start] + planted + source[end:], encoding="utf-8")
    contributions.at[row, "text"] = planted
    contributions.to_csv(data / "contributions.csv", index=False, lineterminator="\n")
    sources = pd.read_csv(data / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    sources["title"] = sources["title"].map(plant)
    sources["sha256"] = [hashlib.sha256((data / "sources" / f"{s}.txt").read_bytes()).hexdigest() for s in sources["source_id"]]
    sources.to_csv(data / "sources" / "sources.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    codebook = yaml.safe_load((data / "codebook.yaml").read_text(encoding="utf-8"))
    for theme in codebook["themes"]:
        theme["label"], theme["description"] = plant(theme["label"]), plant(theme["description"])
    for code in codebook["codes"]:
        for field in ("label", "brief_definition", "full_definition"):
            code[field] = plant(code[field])
    (data / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")
    groups = yaml.safe_load((data / "groups.yaml").read_text(encoding="utf-8"))
    for group in groups["speaker_groups"].values():
        group["short_label"] = plant(group["short_label"])
    (data / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with (data / "NOTES.md").open("a", encoding="utf-8") as notes:
        notes.write(f"\n## What is missing\n\n- A note {PAYLOAD} and *emphasis*.\n")
    profile = tmp_path / "planted.yaml"
    profile.write_text(yaml.safe_dump({
        "profile": plant("planted"), "description": plant("A profile"), "data_dir": str(data),
        "min_cell_n": 2, "seed": 1, "n_bootstrap": 20,
    }), encoding="utf-8")
    return profile


def live_markup(page: str) -> list[str]:
    """Every script element and every on* attribute in the page."""
    tree = lxml_html.fromstring(page)
    scripts = [lxml_html.tostring(element, encoding="unicode") for element in tree.iter("script")]
    handlers = [f"{element.tag} {name}" for element in tree.iter() if isinstance(element.tag, str)
                for name in element.attrib if name.lower().startswith("on")]
    return scripts + handlers


@pytest.mark.integration
def test_markup_planted_in_every_text_is_shown_as_text_never_run(tmp_path):
    from analysis.report.build import BuildLayout, build
    from analysis.paths import NOTEBOOKS_DIR

    profile = planted_copy(tmp_path)
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=tmp_path / "outputs", figures_dir=tmp_path / "figures")
    build(profile, layout=layout, echo=lambda _: None)
    briefing = (layout.outputs_dir / "briefing.html").read_text(encoding="utf-8")
    evidence = (layout.outputs_dir / "evidence.html").read_text(encoding="utf-8")
    assert live_markup(briefing) == [] and live_markup(evidence) == []
    shown = lxml_html.fromstring(briefing).text_content() + lxml_html.fromstring(evidence).text_content()
    # Shown as text: the payload's characters reach the reader, once for each kind of text planted.
    assert shown.count(SCRIPT) >= 6 and shown.count(ONERROR) >= 6
    assert plant("planted") in shown and plant("A profile") in shown and f"A note {PAYLOAD}" in shown


@pytest.mark.integration
def test_the_pdf_is_tagged_a4_and_nothing_runs_off_the_page(smoke_build):
    import re
    import subprocess

    pdf = smoke_build.outputs_dir / "briefing.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)
    assert re.search(r"^Title:\s+\S", info, re.M)
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([0-9.]+)"(.*?)</page>', words, re.S)
    overhang = [float(x) - float(width) for width, page in pages
                for x in re.findall(r'<word xMin="[-0-9.]+" yMin="[-0-9.]+" xMax="([-0-9.]+)"', page)]
    assert overhang and max(overhang) <= -20  # within each page, clear of its edge


def test_the_briefing_refuses_a_figure_from_another_run(tmp_path):
    from analysis.report.output import TableFromAnotherRun

    run = {"profile": "a", "theme_level": "theme", "seed": 1}
    for name, made_with in (("this_run", run), ("other_run", {**run, "seed": 2}), ("unstamped", None)):
        figure, axes = plt.subplots()
        axes.bar(["a", "b"], [1, 2])
        save_figure(figure, tmp_path, name, caption="Bars.", alt="Two bars.", parameters=made_with)
    assert "<figure" in figure_html(tmp_path, "this_run", 1, {**run, "profile": "renamed"})  # the profile's name does not shape it
    with pytest.raises(TableFromAnotherRun, match=r"other_run.svg was made with other parameters \(seed 2, not 1\)"):
        figure_html(tmp_path, "other_run", 1, run)
    with pytest.raises(TableFromAnotherRun, match="unstamped.svg records no run parameters"):
        figure_html(tmp_path, "unstamped", 1, run)


@pytest.mark.parametrize("number, expected", [(3, "The numbers drawn in Figure 3."), (None, "The numbers drawn in Figure.")])
def test_a_figures_data_table_names_its_figure(number, expected):
    from analysis.report.markup import caption

    assert caption("figure_numbers", number=number) == expected


def test_the_subtitle_names_a_profile_and_its_data_only_beside_the_default():
    from analysis.report.markup import phrase

    assert phrase("subtitle", scope="Five documents", profile="", data_dir="data") == "Five documents."
    assert phrase("subtitle", scope="Lancaster", profile="lancaster_sectors", data_dir="data") == (
        "Lancaster. Run profile: lancaster_sectors. Data: data/.")
