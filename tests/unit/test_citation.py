"""Page 1's date, authors, licence and citation come from CITATION.cff, or the build stops in one line."""

from datetime import datetime, timezone

import pytest

from analysis.report.citation import CitationError, author_name, colophon, read_colophon

WHEN = datetime(2026, 1, 2, tzinfo=timezone.utc)


def test_a_colophon_takes_entities_and_people_as_authors():
    cff = {"title": "T", "license": "MIT", "version": 3, "keywords": ["a", "b"],
           "authors": [{"name": "A team"}, {"given-names": "Ann", "family-names": "Lee"}]}
    made = colophon(cff, WHEN)
    assert made.authors == ("A team", "Ann Lee") and made.licence == "MIT" and made.version == "3"
    assert made.keywords == ("a", "b") and made.date == WHEN
    assert author_name({"family-names": "Lee"}) == "Lee"


def test_a_colophon_without_authors_licence_or_title_is_refused():
    with pytest.raises(CitationError, match="no authors, license"):
        colophon({"title": "T", "authors": [{"email": "x@example.org"}]}, WHEN)


@pytest.mark.parametrize(("text", "message"), [
    ("title: [unclosed\n", r"CITATION\.cff: not valid YAML at line 2"),
    ("- a list\n", "not a mapping"),
    ("title: T\nlicense: MIT\n", "no authors$"),
])
def test_a_broken_citation_file_is_named_in_one_line(tmp_path, text, message):
    path = tmp_path / "CITATION.cff"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CitationError, match=message) as raised:
        read_colophon(WHEN, path)
    assert "\n" not in str(raised.value)
    with pytest.raises(CitationError, match="No such file"):
        read_colophon(WHEN, tmp_path / "missing.cff")


def test_the_project_citation_file_gives_a_colophon():
    made = read_colophon(WHEN)
    assert made.authors and made.licence and made.title
