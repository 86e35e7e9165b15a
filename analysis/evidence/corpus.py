"""Extraction of contributions from the source texts into data/contributions.csv.

Each source has one extraction function holding the rules for its layout (which lines are
headings, lists, table rows or prose). The few manual repairs and attribution decisions
are data, in data/extraction_repairs.yaml; every entry there must match the text, or
extraction stops with an error. Character offsets are Python ``str`` indices into the
decoded text of data/sources/<source_id>.txt. :func:`contributions_csv` gives the table's
text in a stable order, so rebuilding it gives the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.evidence import schema
from analysis.paths import DATA_DIR, display_path
from analysis.evidence.readers import DataValidationError, Problem, raise_if, read_yaml
from analysis.evidence.validate import CONTRIBUTIONS_CSV, SOURCES_CSV, load_groups, load_source_texts, load_sources

REPAIRS_YAML = "extraction_repairs.yaml"
T = TypeVar("T")


@dataclass(frozen=True)
class Span:
    """A contribution's text and where it lies in the source (``start``, ``end`` exclusive)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """A line of a source without its newline, and its offset."""

    text: str
    start: int


@dataclass(frozen=True)
class Item:
    """A list item: its span without the marker, its printed number (letters a=1), and
    whether a blank line separates it from the previous item of its list."""

    span: Span
    number: int | None
    after_blank: bool = False


@dataclass(frozen=True)
class Block:
    """A heading (any line that is neither blank nor a list item) and the items under it."""

    heading: Line
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Context:
    """What an extraction function needs: the text, the groups and this source's repairs."""

    source_id: str
    text: str
    groups: dict
    repairs: dict[str, list[dict]]

    def entries(self, kind: str) -> list[dict]:
        """This source's repair entries of one kind."""
        return self.repairs.get(kind, [])

    def speaker(self, label: str, section: str) -> str:
        """The speaker_group for a printed label: a recorded attribution, else groups.yaml."""
        for entry in self.entries("speaker_attributions"):
            if entry["label"] == label and entry.get("section", section) == section:
                return entry["speaker_group"]
        for group_id, group in self.groups["speaker_groups"].items():
            if label in group["labels"]:
                return group_id
        raise ValueError(f"{self.source_id}: no speaker group for the printed label {label!r}")


def trimmed(text: str, start: int, end: int) -> Span:
    """The span ``text[start:end]`` without surrounding whitespace."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Span(text[start:end], start, max(start, end))


def lines_of(text: str) -> list[Line]:
    """The lines of ``text`` with their offsets."""
    lines, start = [], 0
    for piece in text.split("\n"):
        lines.append(Line(piece, start))
        start += len(piece) + 1
    return lines


_MARKER = re.compile(r"[ \t]*(?:(?P<bullet>[-•])[ \t]+)?(?:(?:(?P<number>[0-9]+)[.)]|(?P<letter>[a-z])\))[ \t]+)?")


def parse_item(line: Line) -> Item | None:
    """The list item on ``line`` (bullet ``-``/``•``, ``1.``, ``1)`` or ``a)``), or None."""
    match = _MARKER.match(line.text)
    if not (match.group("bullet") or match.group("number") or match.group("letter")):
        return None
    span = trimmed(line.text, match.end(), len(line.text))
    if not span.text:
        return None
    number = int(match.group("number")) if match.group("number") else None
    if match.group("letter"):
        number = ord(match.group("letter")) - ord("a") + 1
    return Item(Span(span.text, line.start + span.start, line.start + span.end), number)


def find_line(lines: Sequence[Line], prefix: str) -> int:
    """Index of the one line that starts with ``prefix``."""
    found = [index for index, line in enumerate(lines) if line.text.startswith(prefix)]
    if len(found) != 1:
        raise ValueError(f"expected one line starting {prefix!r}, found {len(found)}")
    return found[0]


def joined(pieces: list[T], key: Callable[[T], str | None], join: Callable[[T, T], T], entries: list[dict]) -> list[T]:
    """``pieces`` with each recorded ``joined_lines`` pair merged into one.

    A pair is a piece whose key is the entry's ``first`` and the next piece with a key,
    whose key must be the entry's ``continuation``.
    """
    pieces = list(pieces)
    for entry in entries:
        found = [index for index, piece in enumerate(pieces) if key(piece) == entry["first"]]
        if len(found) != 1:
            raise ValueError(f"joined_lines: expected one {entry['first']!r}, found {len(found)}")
        following = [index for index in range(found[0] + 1, len(pieces)) if key(pieces[index]) is not None]
        if not following or key(pieces[following[0]]) != entry["continuation"]:
            raise ValueError(f"joined_lines: {entry['first']!r} is not followed by {entry['continuation']!r}")
        pieces[found[0]] = join(pieces[found[0]], pieces[following[0]])
        del pieces[following[0]]
    return pieces


def joined_span(first: Span, continuation: Span) -> Span:
    """One span from two parts: texts joined by a space, from the first start to the last end."""
    return Span(f"{first.text} {continuation.text}", first.start, continuation.end)


def tokens(ctx: Context, lines: Sequence[Line]) -> list[Item | Line]:
    """Lines classified as list items or other lines (blank ones included), with the
    recorded joins applied."""
    classified: list[Item | Line] = [parse_item(line) or line for line in lines]

    def key(token: Item | Line) -> str | None:
        return token.span.text if isinstance(token, Item) else token.text.strip() or None

    def join(first: Item | Line, continuation: Item | Line) -> Item:
        spans = [token.span if isinstance(token, Item) else trimmed(ctx.text, token.start, token.start + len(token.text)) for token in (first, continuation)]
        return Item(joined_span(*spans), first.number if isinstance(first, Item) else None)

    return joined(classified, key, join, ctx.entries("joined_lines"))


def between(found: Sequence[Item | Line], lines: Sequence[Line], first: str, stop: str) -> list[Item | Line]:
    """The tokens from the line starting ``first`` up to the line starting ``stop``."""
    begin, end = lines[find_line(lines, first)].start, lines[find_line(lines, stop)].start
    return [token for token in found if begin <= (token.span.start if isinstance(token, Item) else token.start) < end]


def blocks(found: Sequence[Item | Line]) -> list[Block]:
    """Tokens grouped under their headings; items before any heading are an error."""
    result: list[Block] = []
    heading, items, blank = None, [], False
    for token in found:
        if isinstance(token, Line) and not token.text.strip():
            blank = True
        elif isinstance(token, Item):
            if heading is None:
                raise ValueError(f"list item without a heading: {token.span.text!r}")
            items.append(replace(token, after_blank=blank and bool(items)))
            blank = False
        else:
            if heading is not None:
                result.append(Block(heading, tuple(items)))
            heading, items, blank = token, [], False
    if heading is not None:
        result.append(Block(heading, tuple(items)))
    return result


def contribution(ctx: Context, contribution_id: str, section: str, speaker_label: str, span: Span, **fields) -> dict:
    """One row of contributions.csv; the speaker group comes from the printed label
    unless ``speaker_group`` is given."""
    row = dict.fromkeys(schema.column_names(schema.CONTRIBUTION_COLUMNS))
    row.update(
        contribution_id=contribution_id,
        source_id=ctx.source_id,
        section=section,
        speaker_group=fields.pop("speaker_group", None) or ctx.speaker(speaker_label, section),
        speaker_label=speaker_label,
        text=span.text,
        char_start=span.start,
        char_end=span.end,
    )
    unknown = set(fields) - set(row)
    if unknown:
        raise ValueError(f"not columns of contributions.csv: {sorted(unknown)}")
    row.update(fields)
    return row


def position(item: Item, order: int) -> int:
    """The item's printed number, or its order in the list when it has none."""
    return item.number if item.number is not None else order


# --- 000: Lancaster practitioner workshop -------------------------------------------------

LW_SPEAKER = "Lancaster Practitioner workshop"
LW_Q1_HEADING = "What is the meaningful contribution that social work can make to citizens in the future?"
LW_Q2_HEADING = "What are the opportunities and challenges affecting social work today?"
LW_TABLE_HEADER = "What do you need in order to make such a contribution and develop your career?\t"
LW_OTHER_IDEAS = "Other ideas"
_CELL_ITEM = re.compile(r"<p>(.*?)</p>")


def cell_items(text: str, start: int, end: int) -> list[Span]:
    """The suggestions in a table cell: each ``<p>...</p>``, or the whole cell without markup."""
    cell = text[start:end]
    if "<p>" not in cell:
        span = trimmed(text, start, end)
        return [span] if span.text else []
    return [trimmed(text, start + match.start(1), start + match.end(1)) for match in _CELL_ITEM.finditer(cell)]


def extract_workshop(ctx: Context) -> list[dict]:
    """000: the answers to question 1, and the needs / university-support table.

    Question 1's answers are the numbered lines under its heading. In the table each line
    is a row: left cell a need, right cell the suggestions (one per ``<p>``) that get the
    need as parent; a row with an empty left cell continues the need above; the row
    headed "Other ideas" holds other ideas. Question 2's list is absent from the text.
    """
    lines = lines_of(ctx.text)
    rows = []
    answers = lines[find_line(lines, LW_Q1_HEADING) + 1 : find_line(lines, LW_Q2_HEADING)]
    for item in filter(None, map(parse_item, answers)):
        rows.append(contribution(ctx, f"LW-q1-{item.number:02d}", "contribution", LW_SPEAKER, item.span, list_position=item.number))

    table = [line for line in lines[find_line(lines, LW_TABLE_HEADER) + 1 :] if line.text.strip()]
    cells = []
    for line in table:
        if "\t" not in line.text:
            raise ValueError(f"table row without a tab: {line.text!r}")
        tab = line.start + line.text.index("\t")
        cells.append((trimmed(ctx.text, line.start, tab), cell_items(ctx.text, tab + 1, line.start + len(line.text))))
    cells = joined(cells, lambda cell: cell[0].text or None, lambda a, b: (joined_span(a[0], b[0]), a[1] + b[1]), ctx.entries("joined_lines"))

    need_id, need_number, suggestions = None, 0, 0
    for left, right in cells:
        if left.text == LW_OTHER_IDEAS:
            need_id = None
            for order, span in enumerate(right, start=1):
                rows.append(contribution(ctx, f"LW-other-{order:02d}", "other_idea", LW_SPEAKER, span, list_position=order))
            continue
        if left.text:
            need_number, suggestions = need_number + 1, 0
            need_id = f"LW-need-{need_number:02d}"
            rows.append(contribution(ctx, need_id, "need", LW_SPEAKER, left, list_position=need_number))
        elif need_id is None:
            raise ValueError("a table row with an empty left cell has no need above it")
        for span in right:
            suggestions += 1
            rows.append(contribution(ctx, f"LW-uni-{need_number:02d}-{suggestions:02d}", "university_support", LW_SPEAKER, span, list_position=suggestions, parent_id=need_id))
    return rows


# --- 001: Lancaster visioning day ----------------------------------------------------------

VD_FACILITATORS = "Facilitators"
VD_ACTION_GROUPS = "action planning groups"
VD_CAPTIONS = ("One of the action planning groups",)
_MIXED_HEADING = re.compile(r"^Group ([0-9]+)$")


def _unlettered_gap_allowed(ctx: Context, block: Block, item: Item) -> bool:
    """Whether a recorded decision lets ``block``'s list go on after a blank line at ``item``."""
    return any(
        entry["heading"] == block.heading.text.strip() and entry["resumes_with"] == item.span.text
        for entry in ctx.entries("list_continues_after_blank_line")
    )


def stakeholder_lists(ctx: Context, found: Sequence[Item | Line], section: str, prefix: str) -> list[dict]:
    """Rows for every list under a stakeholder-group or mixed-group heading in ``found``.

    Headings without items are narrative and skipped. A blank line inside a list is an
    error unless data/extraction_repairs.yaml records that the list goes on.
    """
    rows = []
    for block in blocks(found):
        if not block.items:
            continue
        label = block.heading.text.strip()
        mixed = _MIXED_HEADING.match(label)
        group = ctx.speaker(label, section)
        code = f"m{mixed.group(1)}" if mixed else ctx.groups["speaker_groups"][group]["id_code"]
        for order, item in enumerate(block.items, start=1):
            if item.after_blank and not _unlettered_gap_allowed(ctx, block, item):
                raise ValueError(f"list under {label!r} goes on after a blank line at {item.span.text!r}; record a decision")
            number = position(item, order)
            rows.append(
                contribution(
                    ctx, f"VD-{prefix}-{code}-{number:02d}", section, label, item.span,
                    speaker_group=group, mixed_group=f"mixed_{mixed.group(1)}" if mixed else None, list_position=number,
                )
            )
    return rows


def action_themes(ctx: Context, found: Sequence[Item | Line]) -> list[dict]:
    """The facilitators' numbered action themes (one list)."""
    lists = [block for block in blocks(found) if block.items]
    if len(lists) != 1:
        raise ValueError(f"expected one list of action themes, found {len(lists)}")
    return [
        contribution(ctx, f"VD-theme-{item.number:02d}", "action_theme", VD_FACILITATORS, item.span, list_position=item.number)
        for item in lists[0].items
    ]


def _theme_of(ctx: Context, heading: str) -> int | None:
    """The action theme of an example-action heading (it may end a longer line)."""
    themes = [entry["theme"] for entry in ctx.entries("example_action_headings") if heading.endswith(entry["heading"])]
    return themes[0] if len(themes) == 1 else None


def example_actions(ctx: Context, found: Sequence[Item | Line]) -> list[dict]:
    """Example actions under their theme headings, linked to the theme where attributable.

    Items keep their printed letters, and lettering must run a), b), c) ... under each
    heading; a run recorded in ``unattributed_example_actions`` gets no parent, and so do
    recorded ``fragments``. Any other line here that is not a known heading or caption is
    an error.
    """
    rows, unattributed = [], 0
    fragments = {entry["text"]: entry for entry in ctx.entries("fragments")}
    runs = ctx.entries("unattributed_example_actions")
    used_headings = set()
    for block in blocks(found):
        heading = block.heading.text.strip()
        theme = _theme_of(ctx, heading)
        if theme is None:
            if heading in fragments:
                entry = fragments.pop(heading)
                unattributed += 1
                span = trimmed(ctx.text, block.heading.start, block.heading.start + len(block.heading.text))
                rows.append(contribution(ctx, f"VD-ex-na-{unattributed:02d}", entry["section"], entry["speaker_label"], span))
            elif heading not in VD_CAPTIONS:
                raise ValueError(f"unexpected line among the example actions: {heading!r}")
            if block.items:
                raise ValueError(f"list items under {heading!r}, which is not an action theme heading")
            continue
        used_headings.add(theme)
        run = [entry for entry in runs if heading.endswith(entry["under_heading"])]
        attributed, expected = True, 1
        for item in block.items:
            if run and item.span.text.startswith(run[0]["starts_with"]):
                attributed, expected = False, item.number
            if item.number != expected:
                raise ValueError(f"lettering breaks under {heading!r} at {item.span.text!r}; record a decision")
            expected += 1
            if attributed:
                letter = chr(ord("a") + item.number - 1)
                rows.append(contribution(ctx, f"VD-ex-t{theme}-{letter}", "example_action", VD_ACTION_GROUPS, item.span, list_position=item.number, parent_id=f"VD-theme-{theme:02d}"))
            else:
                unattributed += 1
                rows.append(contribution(ctx, f"VD-ex-na-{unattributed:02d}", "example_action", VD_ACTION_GROUPS, item.span, list_position=item.number))
        if run and attributed:
            raise ValueError(f"unattributed_example_actions: {run[0]['starts_with']!r} not found under {heading!r}")
    recorded = {entry["theme"] for entry in ctx.entries("example_action_headings")}
    if fragments or used_headings != recorded:
        raise ValueError(f"example actions: unused fragments {sorted(fragments)} or headings {sorted(recorded - used_headings)}")
    return rows


def extract_visioning_day(ctx: Context) -> list[dict]:
    """001: visions, commonalities, opportunities and challenges, action themes, example actions.

    Each part of the report is read between its own heading and the next part's.
    """
    lines = lines_of(ctx.text)
    found = tokens(ctx, lines)
    return (
        stakeholder_lists(ctx, between(found, lines, "VISIONING", "Following this, participants moved"), "vision", "vis")
        + stakeholder_lists(ctx, between(found, lines, "Following this, participants moved", "OPPORTUNITIES AND CHALLENGES AFFECTING"), "commonality", "com")
        + stakeholder_lists(ctx, between(found, lines, "OPPORTUNITIES AND CHALLENGES AFFECTING", "WHAT ACTION NEEDS"), "opportunity_challenge", "oc")
        + action_themes(ctx, between(found, lines, "Facilitators themed the prioritised actions", "The following section gives examples"))
        + example_actions(ctx, between(found, lines, "The following section gives examples", "Where possible, participants were asked"))
    )


# --- 002: Changing Lives --------------------------------------------------------------------

CL_SPEAKER = "21st Century Social Work Review Group"
CL_PARTS = {
    "Strengths to build on": ("strength", "str"),
    "Challenges to tackle": ("challenge", "chl"),
    "Services for the 21st Century: our aspirations": ("aspiration", "asp"),
}
CL_SUBJECT_SUFFIX = " should:"


def extract_changing_lives(ctx: Context) -> list[dict]:
    """002: the bulleted strengths, challenges and aspirations (each under its subject group).

    Bullets before "Strengths to build on" list where the evidence came from, not views,
    and are left out; so are the page furniture lines and the prose.
    """
    subjects = {group["label"]: subject_id for subject_id, group in ctx.groups["subject_groups"].items()}
    rows, part, subject, counts = [], None, None, {}
    for line in lines_of(ctx.text):
        text = line.text.strip()
        if text in CL_PARTS:
            part, subject = CL_PARTS[text], None
        elif part and part[0] == "aspiration" and text.endswith(CL_SUBJECT_SUFFIX):
            subject = subjects[text.removesuffix(CL_SUBJECT_SUFFIX)]
        elif (item := parse_item(line)) is not None and part is not None:
            section, code = part
            if section == "aspiration":
                if subject is None:
                    raise ValueError(f"aspiration without a subject group: {item.span.text!r}")
                code = f"asp-{ctx.groups['subject_groups'][subject]['id_code']}"
            counts[code] = counts.get(code, 0) + 1
            rows.append(contribution(ctx, f"CL-{code}-{counts[code]:02d}", section, CL_SPEAKER, item.span, subject_group=subject, list_position=counts[code]))
    return rows


# --- 003 and 004: prose ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.?!][’”\"')]*(?=\s+[‘“\"'(]?[A-Z])")


def sentences(text: str, span: Span) -> list[Span]:
    """The sentences of a paragraph: a break follows ``.``, ``?`` or ``!`` (and any closing
    quotation marks or bracket) when whitespace and a capital letter, possibly after an
    opening quotation mark or bracket, come next."""
    found, begin = [], span.start
    for match in _SENTENCE_END.finditer(span.text):
        found.append(trimmed(text, begin, span.start + match.end()))
        begin = span.start + match.end()
    found.append(trimmed(text, begin, span.end))
    return [piece for piece in found if piece.text]


def prose_units(ctx: Context, paragraphs: Sequence[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """Units of one view each: sentences of each (owner, paragraph), with the recorded
    ``joined_sentences`` and ``clause_splits`` applied (each must apply exactly once)."""
    units = [(owner, piece) for owner, paragraph in paragraphs for piece in sentences(ctx.text, paragraph)]
    for entry in ctx.entries("joined_sentences"):
        found = [index for index, (_, unit) in enumerate(units) if unit.text.startswith(entry["first_starts"])]
        if len(found) != 1 or found[0] + 1 >= len(units) or units[found[0] + 1][0] != units[found[0]][0]:
            raise ValueError(f"joined_sentences: {entry['first_starts']!r} does not start exactly one joinable sentence")
        owner, first = units[found[0]]
        units[found[0] : found[0] + 2] = [(owner, trimmed(ctx.text, first.start, units[found[0] + 1][1].end))]
    for entry in ctx.entries("clause_splits"):
        found = [index for index, (_, unit) in enumerate(units) if entry["split_before"] in unit.text]
        if len(found) != 1:
            raise ValueError(f"clause_splits: {entry['split_before']!r} is in {len(found)} units, not one")
        owner, unit = units[found[0]]
        cut = unit.start + unit.text.index(entry["split_before"])
        units[found[0] : found[0] + 1] = [(owner, trimmed(ctx.text, unit.start, cut)), (owner, trimmed(ctx.text, cut, unit.end))]
    return units


def paragraphs_without(ctx: Context, lines: Sequence[Line], skipped: Sequence[str]) -> list[Span]:
    """Non-blank lines as paragraph spans, leaving out the ``skipped`` lines (each must occur)."""
    missing = set(skipped) - {line.text.strip() for line in lines}
    if missing:
        raise ValueError(f"{ctx.source_id}: lines to skip not found: {sorted(missing)}")
    return [
        trimmed(ctx.text, line.start, line.start + len(line.text))
        for line in lines
        if line.text.strip() and line.text.strip() not in skipped
    ]


CS_SPEAKER = "Centre for Social Work Practice"
CS_SKIPPED = (
    "Centre for Social Work Practice",
    "Rationale: A site of national leadership for therapeutic and relationship-based social work",
    "A site of national leadership for therapeutic and relationship-based social work",
    "The Context",
    "Variable potential",
    "Social work and social care",
    "Networking – the basis for the centre’s development and potential",
    "The potential of social pedagogy for relationship based social work practice",
    "Become an important part of our vibrant community: Join us",
)


def extract_cswp(ctx: Context) -> list[dict]:
    """003: the statement's prose as units, without its name, title and headings or the
    closing "Join us" invitation."""
    paragraphs = [("body", span) for span in paragraphs_without(ctx, lines_of(ctx.text), CS_SKIPPED)]
    return [
        contribution(ctx, f"CS-{number:03d}", "prose", CS_SPEAKER, unit)
        for number, (_, unit) in enumerate(prose_units(ctx, paragraphs), start=1)
    ]


CC_AUTHOR = "Laura Walters"
CC_ARTICLE_END = "More from Community Care"
CC_RESPONSES = "7 Responses to ‘Things get better for service users when we make social work better for ourselves’"
CC_SKIPPED = (
    "‘Things get better for service users when we make social work better for ourselves’",
    "A social worker highlights the benefits of a social work forum, a vehicle she is using to help drive changes to working conditions",
    "Picture: Mathias Rosenthal",
    "by Laura Walters",
    "High caseloads",
    "Change from within",
    "Strong leadership",
    "Laura Walters is a children’s social worker",
)
_RESPONSE = re.compile(r"^ *(?:(?P<number>[0-9]+)\.|•) (?P<name>.+?) (?:January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{1,2}, [0-9]{4} at [0-9]{1,2}:[0-9]{2} [ap]m #$")


def extract_community_care(ctx: Context) -> list[dict]:
    """004: the article's prose and the responses below it, each response its own speaker.

    The article ends at "More from Community Care"; its headline, standfirst, picture
    credit, byline, subheadings and author note are left out. A response starts at a line
    "N. name date at time #" (numbered, or "•" for a reply nested under response N), and
    its text is the indented lines that follow, with list markers left out of the spans.
    Units are keyed ``art`` for the article, ``rN`` for response N and ``rNa``, ``rNb`` for
    replies nested under it.
    """
    lines = lines_of(ctx.text)
    end = find_line(lines, CC_ARTICLE_END)
    paragraphs = [("art", span) for span in paragraphs_without(ctx, lines[:end], CC_SKIPPED)]
    speakers = {"art": CC_AUTHOR}
    number, nested, owner = 0, 0, None
    for line in lines[find_line(lines, CC_RESPONSES) + 1 :]:
        header = _RESPONSE.match(line.text)
        if header:
            if header.group("number"):
                number, nested, owner = int(header.group("number")), 0, f"r{header.group('number')}"
            else:
                nested += 1
                owner = f"r{number}{chr(ord('a') + nested - 1)}"
            speakers[owner] = header.group("name")
        elif line.text.strip():
            if owner is None:
                raise ValueError(f"text before the first response: {line.text!r}")
            item = parse_item(line)
            paragraphs.append((owner, item.span if item else trimmed(ctx.text, line.start, line.start + len(line.text))))
    rows, counts = [], {}
    for owner, unit in prose_units(ctx, paragraphs):
        counts[owner] = counts.get(owner, 0) + 1
        contribution_id = f"CC-art-{counts[owner]:03d}" if owner == "art" else f"CC-{owner}-{counts[owner]:02d}"
        rows.append(contribution(ctx, contribution_id, "prose" if owner == "art" else "reply", speakers[owner], unit))
    return rows


# --- the whole table ------------------------------------------------------------------------

EXTRACTORS: dict[str, Callable[[Context], list[dict]]] = {
    "lancaster_workshop_2012": extract_workshop,
    "lancaster_visioning_day_2012": extract_visioning_day,
    "changing_lives_2006": extract_changing_lives,
    "cswp_rationale_2016": extract_cswp,
    "community_care_forum_2016": extract_community_care,
}


class ExtractionError(ValueError):
    """A source's text does not follow its rule, or a recorded repair does not match it."""


def load_repairs(data_dir: Path) -> dict[str, list[dict]]:
    """data/extraction_repairs.yaml: kind of repair -> entries (each with a source_id)."""
    path = Path(data_dir) / REPAIRS_YAML
    content, problems = read_yaml(path)
    raise_if(problems)
    malformed = [kind for kind, entries in content.items() if not isinstance(entries, list) or not all(isinstance(e, dict) and "source_id" in e for e in entries)]
    if malformed:
        raise_if([Problem(display_path(path), None, malformed[0], "must be a list of entries, each with a source_id")])
    return content


def repairs_for(repairs: dict[str, list[dict]], source_id: str) -> dict[str, list[dict]]:
    """The entries that concern one source, by kind."""
    return {kind: [entry for entry in entries if entry["source_id"] == source_id] for kind, entries in repairs.items()}


def _check_attributions_used(ctx: Context, rows: list[dict]) -> None:
    """Fail when a recorded speaker attribution matches no row (it would be stale)."""
    for entry in ctx.entries("speaker_attributions"):
        if not any(row["speaker_label"] == entry["label"] and row["speaker_group"] == entry["speaker_group"] for row in rows):
            raise ValueError(f"speaker_attributions: {entry['label']!r} is not used in {ctx.source_id}")


def build_contributions(data_dir: Path) -> pd.DataFrame:
    """Every contribution of every source in sources.csv, in source order, then text order."""
    data_dir = Path(data_dir)
    sources, groups, texts = load_sources(data_dir), load_groups(data_dir), load_source_texts(data_dir)
    repairs = load_repairs(data_dir)
    unknown = {entry["source_id"] for entries in repairs.values() for entry in entries} - set(sources["source_id"])
    if unknown:
        raise ExtractionError(f"{display_path(Path(data_dir) / REPAIRS_YAML)}: unknown source ids {', '.join(sorted(unknown))}")
    rows = []
    for source_id in sources["source_id"]:
        if source_id not in EXTRACTORS:
            raise ExtractionError(f"{display_path(Path(data_dir) / SOURCES_CSV)}: no extraction rule for source {source_id!r}")
        ctx = Context(source_id, texts[source_id], groups, repairs_for(repairs, source_id))
        try:
            found = sorted(EXTRACTORS[source_id](ctx), key=lambda row: (row["char_start"], row["char_end"]))
            _check_attributions_used(ctx, found)
        except (ValueError, KeyError) as error:
            raise ExtractionError(f"{display_path(Path(data_dir) / 'sources' / f'{source_id}.txt')}: {error}") from error
        rows += found
    frame = pd.DataFrame(rows, columns=schema.column_names(schema.CONTRIBUTION_COLUMNS))
    return frame.astype({column.name: column.dtype for column in schema.CONTRIBUTION_COLUMNS})


def contributions_csv(frame: pd.DataFrame) -> str:
    """The CSV text of a contributions table: UTF-8-ready, LF line ends, empty for missing."""
    return frame.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild contributions.csv, or with ``--check`` report whether it is current."""
    parser = argparse.ArgumentParser(prog="python -m analysis extract", description="Rebuild data/contributions.csv from the source texts.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="data folder (default: the project's data/)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file differs from a rebuild")
    args = parser.parse_args(argv)
    path = args.data_dir / CONTRIBUTIONS_CSV
    try:
        rebuilt = contributions_csv(build_contributions(args.data_dir)).encode("utf-8")
    except DataValidationError as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except ExtractionError as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        current = path.is_file() and path.read_bytes() == rebuilt
        print(f"{display_path(path)}: {'up to date' if current else 'differs from a rebuild'}")
        return 0 if current else 1
    path.write_bytes(rebuilt)
    print(f"wrote {display_path(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
