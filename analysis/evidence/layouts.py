"""The known layouts of a source: read from its entry in data/extraction_rules.yaml alone.

A source laid out in one of these ways needs no Python of its own. Each function takes the
source's :class:`~analysis.evidence.corpus.Context` and returns its rows; ids are the entry's
``id_prefix`` and the item's place. The entry's ``sections`` name the section of each part.

- ``lists_under_headings``: list items (``-``, ``•``, ``1.``, ``1)``, ``a)``) under heading
  lines; part ``items``. Each heading is the speaker as printed (a label in
  data/groups.yaml), unless the entry gives one ``speaker`` for every item. Headings without
  items are narrative and left out. Ids: ``XX-<list>-<position>``.
- ``two_column_table``: lines holding a tab; the left cell is a row of part ``left``, the
  right cell's items (each ``<p>...</p>``, or the whole cell) are rows of part ``right`` with
  the left row as parent; an empty left cell continues the row above. Lines without a tab
  are left out. Ids: ``XX-<row>`` and ``XX-<row>-<item>``. ``speaker`` is required.
- ``prose``: every non-blank line but those listed in ``skip``, cut into sentences; part
  ``units``. ``speaker`` is required. Ids: ``XX-<unit>``.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.evidence.corpus import (
    Context,
    blocks,
    cell_items,
    contribution,
    lines_of,
    paragraphs_without,
    position,
    prose_units,
    tokens,
    trimmed,
)


def _speaker(ctx: Context) -> str:
    """The printed speaker the entry gives for every item."""
    if "speaker" not in ctx.rule:
        raise ValueError(f"the layout {ctx.rule['layout']} needs a speaker (as printed) in data/extraction_rules.yaml")
    return ctx.rule["speaker"]


def lists_under_headings(ctx: Context) -> list[dict]:
    """Every list item under its heading (see the module's description)."""
    section, rows = ctx.section("items"), []
    listed = [block for block in blocks(tokens(ctx, lines_of(ctx.text))) if block.items]
    for number, block in enumerate(listed, start=1):
        label = ctx.rule.get("speaker", block.heading.text.strip())
        for order, item in enumerate(block.items, start=1):
            place = position(item, order)
            rows.append(contribution(ctx, f"{ctx.id_prefix}-{number:02d}-{place:02d}", section, label, item.span, list_position=place))
    return rows


def two_column_table(ctx: Context) -> list[dict]:
    """Left cells and the items of right cells, linked (see the module's description)."""
    speaker, rows, parent, number, items = _speaker(ctx), [], None, 0, 0
    for line in lines_of(ctx.text):
        if "\t" not in line.text:
            continue
        tab = line.start + line.text.index("\t")
        left = trimmed(ctx.text, line.start, tab)
        if left.text:
            number, items = number + 1, 0
            parent = f"{ctx.id_prefix}-{number:02d}"
            rows.append(contribution(ctx, parent, ctx.section("left"), speaker, left, list_position=number))
        elif parent is None:
            raise ValueError(f"a table row with an empty left cell has no row above it: {line.text!r}")
        for span in cell_items(ctx.text, tab + 1, line.start + len(line.text)):
            items += 1
            rows.append(contribution(ctx, f"{parent}-{items:02d}", ctx.section("right"), speaker, span, list_position=items, parent_id=parent))
    return rows


def prose(ctx: Context) -> list[dict]:
    """Sentences of every line not skipped (see the module's description)."""
    speaker = _speaker(ctx)
    paragraphs = [("body", span) for span in paragraphs_without(ctx, lines_of(ctx.text), ctx.rule.get("skip", []))]
    return [
        contribution(ctx, f"{ctx.id_prefix}-{number:03d}", ctx.section("units"), speaker, unit)
        for number, (_, unit) in enumerate(prose_units(ctx, paragraphs), start=1)
    ]


LAYOUTS: dict[str, Callable[[Context], list[dict]]] = {
    "lists_under_headings": lists_under_headings,
    "two_column_table": two_column_table,
    "prose": prose,
}
