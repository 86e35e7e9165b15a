"""Who made the briefing, when, under which licence and how to cite it, from ``CITATION.cff``.

The briefing's first page and its PDF metadata show these facts; the date is the build's own
(the commit's, or ``SOURCE_DATE_EPOCH``), so two builds of one commit say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from analysis.evidence.readers import yaml_error_line
from analysis.paths import CITATION_CFF, display_path


class CitationError(ValueError):
    """CITATION.cff is missing, unreadable or lacks a field the briefing shows."""


#: The briefing's title, on page 1, in the running header, in the PDF's metadata and on the evidence explorer.
TITLE = "The future of social work: what stakeholders said"


@dataclass(frozen=True)
class Colophon:
    """The facts page 1 and the PDF metadata carry."""

    authors: tuple[str, ...]
    licence: str
    title: str
    version: str
    keywords: tuple[str, ...]
    date: datetime


def author_name(author: dict) -> str:
    """An entity's ``name``, or a person's given and family names (CFF 1.2)."""
    return str(author.get("name") or " ".join(str(author[part]) for part in ("given-names", "family-names") if author.get(part)))


def colophon(cff: dict, date: datetime) -> Colophon:
    """The colophon of a parsed CITATION.cff, dated ``date``; refused without authors, licence or title."""
    authors = tuple(name for name in (author_name(a) for a in cff.get("authors") or [] if isinstance(a, dict)) if name)
    missing = [field for field, value in (("authors", authors), ("license", cff.get("license")), ("title", cff.get("title"))) if not value]
    if missing:
        raise CitationError(f"no {', '.join(missing)}")
    return Colophon(authors=authors, licence=str(cff["license"]), title=str(cff["title"]), version=str(cff.get("version") or ""),
                    keywords=tuple(str(word) for word in cff.get("keywords") or []), date=date)


def read_colophon(date: datetime, path: Path = CITATION_CFF) -> Colophon:
    """The colophon of the project's CITATION.cff; a :class:`CitationError` names the file and the fault."""
    shown = display_path(Path(path))
    try:
        cff = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CitationError(f"{shown}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise CitationError(f"{shown}: not UTF-8") from error
    except yaml.YAMLError as error:
        raise CitationError(f"{shown}: {yaml_error_line(error)}") from error
    if not isinstance(cff, dict):
        raise CitationError(f"{shown}: not a mapping of fields")
    try:
        return colophon(cff, date)
    except CitationError as error:
        raise CitationError(f"{shown}: {error}") from error
