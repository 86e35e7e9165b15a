"""The Lancaster visioning day, 2012: visions, commonalities, opportunities and challenges,
action themes and example actions.

Its entry in data/extraction_rules.yaml gives the sections (``visions``, ``commonalities``,
``opportunities_and_challenges``, ``action_themes`` and ``example_actions``, linked to their
theme where the report allows it) and who is printed as speaking the action themes
(``themes_speaker``) and the example actions (``examples_speaker``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.evidence.corpus import Block, Context, Item, Line, between, blocks, contribution, lines_of, position, tokens, trimmed


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
                    ctx, f"{ctx.id_prefix}-{prefix}-{code}-{number:02d}", section, label, item.span,
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
        contribution(ctx, f"{ctx.id_prefix}-theme-{item.number:02d}", ctx.section("action_themes"), ctx.setting("themes_speaker"), item.span, list_position=item.number)
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
                rows.append(contribution(ctx, f"{ctx.id_prefix}-ex-na-{unattributed:02d}", entry["section"], entry["speaker_label"], span))
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
                rows.append(contribution(ctx, f"{ctx.id_prefix}-ex-t{theme}-{letter}", ctx.section("example_actions"), ctx.setting("examples_speaker"), item.span, list_position=item.number, parent_id=f"{ctx.id_prefix}-theme-{theme:02d}"))
            else:
                unattributed += 1
                rows.append(contribution(ctx, f"{ctx.id_prefix}-ex-na-{unattributed:02d}", ctx.section("example_actions"), ctx.setting("examples_speaker"), item.span, list_position=item.number))
        if run and attributed:
            raise ValueError(f"unattributed_example_actions: {run[0]['starts_with']!r} not found under {heading!r}")
    recorded = {entry["theme"] for entry in ctx.entries("example_action_headings")}
    if fragments or used_headings != recorded:
        raise ValueError(f"example actions: unused fragments {sorted(fragments)} or headings {sorted(recorded - used_headings)}")
    return rows


def extract(ctx: Context) -> list[dict]:
    """Visions, commonalities, opportunities and challenges, action themes, example actions.

    Each part of the report is read between its own heading and the next part's.
    """
    lines = lines_of(ctx.text)
    found = tokens(ctx, lines)
    return (
        stakeholder_lists(ctx, between(found, lines, "VISIONING", "Following this, participants moved"), ctx.section("visions"), "vis")
        + stakeholder_lists(ctx, between(found, lines, "Following this, participants moved", "OPPORTUNITIES AND CHALLENGES AFFECTING"), ctx.section("commonalities"), "com")
        + stakeholder_lists(ctx, between(found, lines, "OPPORTUNITIES AND CHALLENGES AFFECTING", "WHAT ACTION NEEDS"), ctx.section("opportunities_and_challenges"), "oc")
        + action_themes(ctx, between(found, lines, "Facilitators themed the prioritised actions", "The following section gives examples"))
        + example_actions(ctx, between(found, lines, "The following section gives examples", "Where possible, participants were asked"))
    )
