"""The committed briefing reads as a brief on A4: every key message on page 1, the findings in a few
pages, and no page before the technical appendix left mostly empty (the default profile's PDF)."""

import re
import subprocess

import pandas as pd
import pytest

from analysis.paths import OUTPUTS_DIR

PDF = OUTPUTS_DIR / "briefing.pdf"
APPENDIX = "Technical appendix: method, robustness and statistics"
FINDINGS = "What stakeholders said, question by question"
LIMITATIONS = "What this evidence cannot show"  # the section after the findings
TOP_MARGIN, BOTTOM_MARGIN = 20 / 25.4 * 72, 22 / 25.4 * 72  # the @page margins, in points
MOST_FINDINGS_PAGES = 6
LEAST_FILLED = 0.6


def page_texts() -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout.split("\f")


def filled(page: int) -> float:
    """How far down its text area a page's text reaches (0 to 1), the running header and page number aside."""
    words = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(PDF), "-"],
                           capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[0-9.]+" height="([0-9.]+)"', words).group(1))
    bottoms = [float(y) for y in re.findall(r'yMax="([0-9.]+)"', words) if TOP_MARGIN < float(y) < height - BOTTOM_MARGIN]
    return (max(bottoms) - TOP_MARGIN) / (height - TOP_MARGIN - BOTTOM_MARGIN)


def first_page_with(texts: list[str], heading: str) -> int:
    """The 1-based page on which a heading starts a line (not the contents' line, which ends in a page number)."""
    return next(number for number, text in enumerate(texts, start=1)
                if any(line.strip() == heading for line in text.splitlines()))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return page_texts()


def test_every_key_message_how_sure_it_is_and_what_they_mean_are_on_page_1(texts):
    messages = pd.read_csv(OUTPUTS_DIR / "tables" / "key_messages.csv")
    assert len(messages) and texts[0].count("How sure:") == len(messages)
    assert "What this means" in texts[0] and texts[0].count("From key message") == len(messages)


def starts_its_page(texts: list[str], page: int, heading: str) -> bool:
    lines = [line.strip() for line in texts[page - 1].splitlines() if line.strip()]
    return lines[1] == heading  # after the running header


def test_the_findings_take_at_most_six_pages_and_start_by_page_2(texts):
    start, after = first_page_with(texts, FINDINGS), first_page_with(texts, LIMITATIONS)
    last = after - 1 if starts_its_page(texts, after, LIMITATIONS) else after
    assert start <= 2 and last - start + 1 <= MOST_FINDINGS_PAGES


def test_no_page_before_the_last_one_of_the_brief_is_less_than_60_percent_filled(texts):
    appendix = first_page_with(texts, APPENDIX)
    assert all(filled(page) >= LEAST_FILLED for page in range(1, appendix - 1)), [round(filled(p), 2) for p in range(1, appendix)]
