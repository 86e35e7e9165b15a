"""Render an executed briefing notebook as a self-contained HTML page and an A4 PDF."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from lxml import html as lxml_html
from markupsafe import Markup

from analysis.paths import TEMPLATES_DIR
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


def add_heading_ids(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every h2/h3 an id; return the body and its (level, id, text) headings in order."""
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    for anchor in tree.xpath("//a[contains(concat(' ', @class, ' '), ' anchor-link ')]"):
        anchor.drop_tree()
    headings: list[tuple[int, str, str]] = []
    used: set[str] = set()
    for element in tree.iter("h2", "h3"):
        text = " ".join(element.text_content().split())
        heading_id = element.get("id") or _slug(text)
        while heading_id in used:
            heading_id += "-x"
        used.add(heading_id)
        element.set("id", heading_id)
        headings.append((int(element.tag[1]), heading_id, text))
    inner = "".join(lxml_html.tostring(child, encoding="unicode") for child in tree)
    return (tree.text or "") + inner, headings


def table_of_contents(headings: list[tuple[int, str, str]]) -> str:
    """A nested list of links to the h2 and h3 headings."""
    return render("contents.html.j2", headings=headings)


def place_contents(body: str, contents: str) -> str:
    """The contents list after the key messages and "About this briefing", or first when there are none."""
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    about = tree.xpath("//*[contains(concat(' ', @class, ' '), ' about ')]")
    nav = lxml_html.fragment_fromstring(contents)
    if about:
        anchor = about[0]
        while anchor.getparent() is not tree:
            anchor = anchor.getparent()
        anchor.addnext(nav)
    else:
        tree.insert(0, nav)
        nav.tail, tree.text = tree.text, None
    return (tree.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in tree)


def briefing_page(body: str, title: str, subtitle: str, footer: str, description: str = "") -> str:
    """The whole HTML document: title block, key messages, contents, body, provenance footer, inline CSS."""
    body, headings = add_heading_ids(body)
    listed = [heading for heading in headings if heading[1] not in {"key-messages", "about-this-briefing"}]
    body = place_contents(body, table_of_contents(listed))
    css = (TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")
    return render(
        "page.html.j2", title=title, subtitle=subtitle, description=description, css=Markup(css),
        body=Markup(body), footer=footer,  # a str is escaped; the build fills its footer through markup.fill
    ) + "\n"


def write_pdf(page_html: str, pdf_path: Path) -> None:
    """Print the HTML page to a tagged A4 PDF (PDF/UA-1) with WeasyPrint (offline: every image is a data URI)."""
    from weasyprint import HTML

    HTML(string=page_html, base_url=str(TEMPLATES_DIR)).write_pdf(str(pdf_path), pdf_variant="pdf/ua-1", pdf_tags=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
