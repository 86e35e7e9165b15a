"""The Lancaster practitioner workshop, 2012: question 1's numbered answers and the needs /
university-support table.

Its entry in data/extraction_rules.yaml gives the sections (``answers``, ``needs``, ``support``:
a need's suggestions, with the need as parent, and ``other_ideas``) and the ``speaker`` as
printed.
"""

from __future__ import annotations

from analysis.evidence.corpus import Context, cell_items, contribution, find_line, joined, joined_span, lines_of, parse_item, trimmed


LW_Q1_HEADING = "What is the meaningful contribution that social work can make to citizens in the future?"
LW_Q2_HEADING = "What are the opportunities and challenges affecting social work today?"
LW_TABLE_HEADER = "What do you need in order to make such a contribution and develop your career?\t"
LW_OTHER_IDEAS = "Other ideas"
def extract(ctx: Context) -> list[dict]:
    """The answers to question 1, and the needs / university-support table.

    Question 1's answers are the numbered lines under its heading. In the table each line
    is a row: left cell a need, right cell the suggestions (one per ``<p>``) that get the
    need as parent; a row with an empty left cell continues the need above; the row
    headed "Other ideas" holds other ideas. Question 2's list is absent from the text.
    """
    lines = lines_of(ctx.text)
    rows = []
    answers = lines[find_line(lines, LW_Q1_HEADING) + 1 : find_line(lines, LW_Q2_HEADING)]
    for item in filter(None, map(parse_item, answers)):
        rows.append(contribution(ctx, f"{ctx.id_prefix}-q1-{item.number:02d}", ctx.section("answers"), ctx.setting("speaker"), item.span, list_position=item.number))

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
                rows.append(contribution(ctx, f"{ctx.id_prefix}-other-{order:02d}", ctx.section("other_ideas"), ctx.setting("speaker"), span, list_position=order))
            continue
        if left.text:
            need_number, suggestions = need_number + 1, 0
            need_id = f"{ctx.id_prefix}-need-{need_number:02d}"
            rows.append(contribution(ctx, need_id, ctx.section("needs"), ctx.setting("speaker"), left, list_position=need_number))
        elif need_id is None:
            raise ValueError("a table row with an empty left cell has no need above it")
        for span in right:
            suggestions += 1
            rows.append(contribution(ctx, f"{ctx.id_prefix}-uni-{need_number:02d}-{suggestions:02d}", ctx.section("support"), ctx.setting("speaker"), span, list_position=suggestions, parent_id=need_id))
    return rows
