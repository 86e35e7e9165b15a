"""The Community Care article, 2016, and its readers' responses.

Its entry in data/extraction_rules.yaml gives the sections (``article`` and ``replies``), the
article's ``speaker`` as printed, the lines of the article to ``skip`` (headline, standfirst,
picture credit, byline, subheadings, author note), the line the article ends before
(``article_end``) and the line the responses follow (``responses_heading``).
"""

from __future__ import annotations

import re

from analysis.evidence.corpus import Context, contribution, find_line, lines_of, paragraphs_without, parse_item, prose_units, trimmed


_RESPONSE = re.compile(r"^ *(?:(?P<number>[0-9]+)\.|•) (?P<name>.+?) (?:January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{1,2}, [0-9]{4} at [0-9]{1,2}:[0-9]{2} [ap]m #$")


def extract(ctx: Context) -> list[dict]:
    """The article's prose and the responses below it, each response its own speaker.

    The article ends before the entry's ``article_end`` line, less the lines it lists in
    ``skip``; the responses follow its ``responses_heading`` line. A response starts at a line
    "N. name date at time #" (numbered, or "•" for a reply nested under response N), and
    its text is the indented lines that follow, with list markers left out of the spans.
    Units are keyed ``art`` for the article, ``rN`` for response N and ``rNa``, ``rNb`` for
    replies nested under it.
    """
    lines = lines_of(ctx.text)
    end = find_line(lines, ctx.setting("article_end"))
    paragraphs = [("art", span) for span in paragraphs_without(ctx, lines[:end], ctx.setting("skip"))]
    speakers = {"art": ctx.setting("speaker")}
    number, nested, owner = 0, 0, None
    for line in lines[find_line(lines, ctx.setting("responses_heading")) + 1 :]:
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
        contribution_id = f"{ctx.id_prefix}-art-{counts[owner]:03d}" if owner == "art" else f"{ctx.id_prefix}-{owner}-{counts[owner]:02d}"
        rows.append(contribution(ctx, contribution_id, ctx.section("article" if owner == "art" else "replies"), speakers[owner], unit))
    return rows
