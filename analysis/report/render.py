"""Render an executed briefing notebook as a self-contained HTML page and an A4 PDF."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from lxml import html as lxml_html
from markupsafe import Markup

from analysis.paths import TEMPLATES_DIR
from analysis.report.citation import Colophon
from analysis.report.markup import render


HIDE_TAG = "hide-in-briefing"


def reader_cells(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without cells tagged hide-in-briefing and without warnings (stderr streams)."""
    cleaned = copy.deepcopy(notebook)
    cleaned.cells = [cell for cell in cleaned.cells if HIDE_TAG not in cell.get("metadata", {}).get("tags", [])]
    for cell in cleaned.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                output for output in cell.outputs
                if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
            ]
    return cleaned


def notebook_body_html(notebook: nbformat.NotebookNode) -> str:
    """The notebook's cells as HTML: no code, no prompts, images embedded."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(reader_cells(notebook))
    return body


def add_heading_ids(body: str, taken: frozenset[str] = frozenset()) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every h2/h3 an id not in ``taken``; return the body and its (level, id, text) headings in order."""
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    for anchor in tree.xpath("//a[contains(concat(' ', @class, ' '), ' anchor-link ')]"):
        anchor.drop_tree()
    headings: list[tuple[int, str, str]] = []
    used: set[str] = set(taken)
    for element in tree.iter("h2", "h3"):
        text = " ".join(element.text_content().split())
        heading_id = element.get("id") or _slug(text)
        while heading_id in used:
            heading_id += "-x"
        used.add(heading_id)
        element.set("id", heading_id)
        headings.append((int(element.tag[1]), heading_id, text))
    return _inner(tree), headings


def table_of_contents(headings: list[tuple[int, str, str]]) -> str:
    """A nested list of links to the h2 and h3 headings."""
    return render("contents.html.j2", headings=headings)


SUMMARY = ("about", "key-messages", "implications", "message-rule")  # page 1, in this order: the documents, the messages, what they mean, the rule


def split_summary(body: str) -> tuple[str, str]:
    """The sections of :data:`SUMMARY` (by class), in that order, in one ``div.summary`` (or "" when there
    are none), and the body without them."""
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    sections = [element for name in SUMMARY for element in tree.xpath(f"//*[contains(concat(' ', @class, ' '), ' {name} ')]")]
    if not sections:
        return "", body
    summary = lxml_html.Element("div", {"class": "summary"})
    for section in sections:
        moved = copy.deepcopy(section)
        moved.tail = None
        section.drop_tree()  # keeps the text that followed it
        summary.append(moved)
    return lxml_html.tostring(summary, encoding="unicode"), _inner(tree)


def briefing_page(body: str, title: str, subtitle: str, footer: str, colophon: Colophon | None = None) -> str:
    """The whole HTML document: title block with its colophon (date, authors, licence, how to cite), the
    summary (page 1), contents, body, provenance footer, inline CSS; the colophon also fills the metadata."""
    summary, rest = split_summary(body)
    summary, summary_headings = add_heading_ids(summary) if summary else ("", [])
    rest, headings = add_heading_ids(rest, frozenset(heading_id for _, heading_id, _ in summary_headings))
    css = (TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")
    return render(
        "page.html.j2", title=title, subtitle=subtitle, colophon=colophon, css=Markup(css),
        body=Markup(summary) + table_of_contents(headings) + Markup(rest),
        footer=footer,  # a str is escaped; the build fills its footer through markup.fill
    ) + "\n"


def write_pdf(page_html: str, pdf_path: Path) -> None:
    """Print the HTML page to a tagged A4 PDF (PDF/UA-1) with WeasyPrint (offline: every image is a data URI).

    No base address: a link to a file beside the briefing (``evidence.html#c-…``) stays relative in
    the PDF, so it opens from wherever the PDF and the explorer are copied together."""
    from weasyprint import HTML

    HTML(string=page_html, base_url=None).write_pdf(
        str(pdf_path), pdf_variant="pdf/ua-1", pdf_tags=True, finisher=header_scopes,
    )


def header_scopes(document, pdf) -> None:
    """Write each table header cell's scope into the PDF's structure tree (WeasyPrint reads the HTML's
    ``scope`` only to link cells to their headers): /Column in a THead, /Row elsewhere, the rule every
    table of the briefing follows (``scope="col"`` in thead, ``scope="row"`` in tbody)."""
    def parent(element):
        return pdf.objects[int(element["P"].split()[0])]

    for element in pdf.objects:
        if isinstance(element, dict) and element.get("S") == "/TH":
            element["A"]["Scope"] = "/Column" if parent(parent(element)).get("S") == "/THead" else "/Row"


def _inner(tree) -> str:
    """The content of a wrapping element, as HTML."""
    return (tree.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in tree)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
