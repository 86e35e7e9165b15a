"""Changing Lives, 2006: the bulleted strengths, challenges and aspirations.

Its entry in data/extraction_rules.yaml gives the sections (``strengths``, ``challenges`` and
``aspirations``, each aspiration under the subject group it is about) and the ``speaker`` as
printed.
"""

from __future__ import annotations

from analysis.evidence.corpus import Context, contribution, lines_of, parse_item


CL_PARTS = {  # printed heading -> the part (data/extraction_rules.yaml) and its code in ids
    "Strengths to build on": ("strengths", "str"),
    "Challenges to tackle": ("challenges", "chl"),
    "Services for the 21st Century: our aspirations": ("aspirations", "asp"),
}
ABOUT_GROUPS = "aspirations"  # the part whose items are about a subject group
CL_SUBJECT_SUFFIX = " should:"


def extract(ctx: Context) -> list[dict]:
    """The bulleted strengths, challenges and aspirations (each under its subject group).

    Bullets before "Strengths to build on" list where the evidence came from, not views,
    and are left out; so are the page furniture lines and the prose.
    """
    subjects = {group["label"]: subject_id for subject_id, group in ctx.groups["subject_groups"].items()}
    rows, part, subject, counts = [], None, None, {}
    for line in lines_of(ctx.text):
        text = line.text.strip()
        if text in CL_PARTS:
            part, subject = CL_PARTS[text], None
        elif part and part[0] == ABOUT_GROUPS and text.endswith(CL_SUBJECT_SUFFIX):
            subject = subjects[text.removesuffix(CL_SUBJECT_SUFFIX)]
        elif (item := parse_item(line)) is not None and part is not None:
            name, code = part
            if name == ABOUT_GROUPS:
                if subject is None:
                    raise ValueError(f"aspiration without a subject group: {item.span.text!r}")
                code = f"asp-{ctx.groups['subject_groups'][subject]['id_code']}"
            counts[code] = counts.get(code, 0) + 1
            rows.append(contribution(ctx, f"{ctx.id_prefix}-{code}-{counts[code]:02d}", ctx.section(name), ctx.setting("speaker"), item.span, subject_group=subject, list_position=counts[code]))
    return rows
