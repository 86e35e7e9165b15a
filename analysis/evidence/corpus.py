"""What every extraction rule shares: lines, list items, blocks, sentences and :func:`contribution`.

A source is read by a known layout (:mod:`analysis.evidence.layouts`) or by a rule module of
its own (``analysis/evidence/rules/<source_id>.py``), each built from these pieces; the
extraction itself is :mod:`analysis.evidence.extraction`. Character offsets are Python ``str``
indices into the decoded text of data/sources/<source_id>.txt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from analysis.evidence import schema

RULES_YAML = "extraction_rules.yaml"
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
    rule: Mapping[str, Any]

    @property
    def id_prefix(self) -> str:
        """The two capital letters that start this source's contribution ids."""
        return self.rule["id_prefix"]

    def section(self, part: str) -> str:
        """The section (data/vocabulary.yaml) of one part of this source, as its rule entry maps it."""
        try:
            return self.rule["sections"][part]
        except KeyError:
            raise ValueError(f"{RULES_YAML}: {self.source_id} has no section for its part {part!r}") from None

    def setting(self, name: str) -> Any:
        """A value this source's rule reads from its entry in data/extraction_rules.yaml."""
        try:
            return self.rule[name]
        except KeyError:
            raise ValueError(f"{RULES_YAML}: {self.source_id} needs {name!r} for its rule") from None

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


# --- tables --------------------------------------------------------------------------------------

_CELL_ITEM = re.compile(r"<p>(.*?)</p>")


def cell_items(text: str, start: int, end: int) -> list[Span]:
    """The suggestions in a table cell: each ``<p>...</p>``, or the whole cell without markup."""
    cell = text[start:end]
    if "<p>" not in cell:
        span = trimmed(text, start, end)
        return [span] if span.text else []
    return [trimmed(text, start + match.start(1), start + match.end(1)) for match in _CELL_ITEM.finditer(cell)]


# --- prose ---------------------------------------------------------------------------------------

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


# --- the whole table ------------------------------------------------------------------------
