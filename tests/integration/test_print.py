"""The printed briefing (smoke profile) works offline, says who made it, and keeps numbers whole."""

import re
import subprocess
from collections import Counter
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

pytestmark = pytest.mark.integration

SHOWN_IN_PRINT = "not(ancestor::details)"  # a figure's data table is folded away on paper


def link_annotations(reader: PdfReader) -> list:
    return [annotation.get_object() for page in reader.pages for annotation in page.get("/Annots") or []
            if annotation.get_object().get("/Subtype") == "/Link"]


def test_every_link_in_the_pdf_opens_beside_it_or_inside_it(smoke_build):
    pdf = smoke_build.outputs_dir / "briefing.pdf"
    reader = PdfReader(str(pdf))
    names = set(reader.named_destinations)
    ids: dict[str, set[str]] = {}
    links = link_annotations(reader)
    assert any("/A" in link for link in links) and any("/Dest" in link for link in links)
    for link in links:
        action = link.get("/A")
        if action is None or action["/S"] == "/GoTo":
            target = link["/Dest"] if action is None else action["/D"]
            assert not isinstance(target, str) or target in names, target
            continue
        address = urlsplit(action["/URI"])
        assert not address.scheme and not address.netloc and not address.path.startswith("/"), action["/URI"]
        beside = pdf.parent / unquote(address.path)
        assert beside.is_file(), action["/URI"]
        if address.fragment:
            if beside.name not in ids:
                ids[beside.name] = set(lxml_html.parse(str(beside)).xpath("//@id"))
            assert unquote(address.fragment) in ids[beside.name], action["/URI"]


def test_the_pdf_metadata_carry_title_authors_date_language_and_subject(smoke_build):
    from analysis.report.citation import read_colophon

    reader = PdfReader(str(smoke_build.outputs_dir / "briefing.pdf"))
    info = reader.metadata
    colophon = read_colophon(reader.metadata.creation_date)
    assert info.title.startswith("The future of social work")
    assert info.author == ", ".join(colophon.authors) and info.subject == colophon.title
    assert info.creation_date.year >= 2000
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    first = reader.pages[0].extract_text()
    assert "How to cite" in first and colophon.licence in first


def structure_elements(element, kind: str):
    element = element.get_object()
    if isinstance(element, dict):
        if element.get("/S") == kind:
            yield element
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            yield from structure_elements(kid, kind)
    elif isinstance(element, list):
        for kid in element:
            yield from structure_elements(kid, kind)


def test_every_header_cell_says_what_it_heads_in_the_html_and_the_pdf_structure(smoke_build):
    tree = lxml_html.parse(str(smoke_build.outputs_dir / "briefing.html"))
    headers = tree.xpath(f"//th[{SHOWN_IN_PRINT}]")
    assert headers and all(th.get("scope") in {"col", "row"} for th in tree.xpath("//th"))
    reader = PdfReader(str(smoke_build.outputs_dir / "briefing.pdf"))
    scopes = Counter(str(th["/A"]["/Scope"]) for th in structure_elements(reader.trailer["/Root"]["/StructTreeRoot"], "/TH"))
    assert set(scopes) == {"/Column", "/Row"}  # every header cell has one
    assert scopes["/Row"] == sum(th.get("scope") == "row" for th in headers)
    assert scopes["/Column"] >= sum(th.get("scope") == "col" for th in headers)  # repeated atop a table's next page


def test_no_number_in_a_table_is_split_across_lines_in_print(smoke_build):
    tree = lxml_html.parse(str(smoke_build.outputs_dir / "briefing.html"))
    numbers = Counter(text for cell in tree.xpath(f"//td[contains(@class, 'number')][{SHOWN_IN_PRINT}]")
                      if re.fullmatch(r"[0-9.]{2,}", text := cell.text_content().strip()))
    assert numbers
    text = subprocess.run(["pdftotext", "-layout", str(smoke_build.outputs_dir / "briefing.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    printed = Counter(re.findall(r"(?<![\w.])[0-9.]{2,}(?![\w.])", text))
    assert {number: count for number, count in numbers.items() if printed[number] < count} == {}


def test_figure_text_is_at_least_8_pt_on_paper(smoke_build):
    import base64

    from analysis.report.output import svg_geometry

    column_px = (210 - 2 * 18) / 25.4 * 96  # A4 less the @page side margins of briefing.css, in CSS px
    images = lxml_html.parse(str(smoke_build.outputs_dir / "briefing.html")).xpath("//figure//img")
    assert images
    for image in images:
        width, _, smallest = svg_geometry(base64.b64decode(image.get("src").split(",", 1)[1]).decode("utf-8"))
        assert smallest * column_px / width * 0.75 >= 8, image.get("alt")  # printed 100% of the column wide


def test_the_technical_appendix_starts_a_page_of_its_own(smoke_build):
    text = subprocess.run(["pdftotext", str(smoke_build.outputs_dir / "briefing.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    header = "The future of social work: what stakeholders said"
    pages = [[line for line in page.splitlines() if line.strip() and line.strip() != header] for page in text.split("\f")]
    heading = "Technical appendix: method, robustness and statistics"  # not the contents' line, which ends in its page number
    starts = [number for number, lines in enumerate(pages) if heading in lines]
    assert starts and starts[0] > 0 and pages[starts[0]][0] == heading
