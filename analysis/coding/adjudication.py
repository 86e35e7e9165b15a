"""Adjudication of a blind test's disagreements by a third coder who sees them unlabelled.

For every unit on which the reference and the second coder differ (a code one gave and the
other did not, or a coded statement function), the adjudicator receives the text as the coder
saw it and the two readings as "reading 1" and "reading 2", which of them is which drawn at
random for each unit and kept apart in the order file. The adjudicator returns one decision per
disputed code (present or absent) and the function, each with a reason; the decisions become
the test's reconciliation log, applied to the consensus like every other log. A statement
function fixed by the section's heading is decided by that rule, not adjudicated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

PACKET_COLUMNS = ["item_id", "text", "codes_both", "codes_reading_1", "codes_reading_2", "function_reading_1", "function_reading_2"]
ORDER_COLUMNS = ["item_id", "contribution_id", "reading_1"]
ANSWER_COLUMNS = ["item_id", "code_id", "decision", "reason"]
DECISIONS = ("present", "absent")


def readings(rows: pd.DataFrame, coder: str, ids: Sequence[str], functions: Sequence[str]) -> dict[str, tuple[frozenset, str]]:
    """Each contribution's (codes, coded function) in ``coder``'s rows ('' where no function)."""
    mine = rows[(rows["coder"] == coder) & rows["contribution_id"].isin(ids)]
    codes: dict[str, set] = {cid: set() for cid in ids}
    function = {cid: "" for cid in ids}
    for cid, code in zip(mine["contribution_id"], mine["code_id"]):
        if code in functions:
            function[cid] = code
        else:
            codes[cid].add(code)
    return {cid: (frozenset(codes[cid]), function[cid]) for cid in ids}


def disputes(reference: Mapping[str, tuple], second: Mapping[str, tuple], fixed: set[str]) -> list[str]:
    """Contributions whose codes differ, or whose coded function differs (not where the heading fixes it)."""
    return [cid for cid in reference
            if reference[cid][0] != second[cid][0] or (cid not in fixed and reference[cid][1] != second[cid][1])]


def adjudication_packet(reference: Mapping[str, tuple], second: Mapping[str, tuple], fixed: set[str],
                        shown_text: Mapping[str, str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The adjudicator's packet (one row per disputed unit, opaque ``item_id``, shuffled, the
    two readings in a random order) and the order file that says which reading is whose."""
    ids = disputes(reference, second, fixed)
    rng = np.random.default_rng(seed)
    numbers = rng.choice(16**6, size=len(ids), replace=False)
    first_is_reference = rng.random(len(ids)) < 0.5
    rows, order = [], []
    for cid, number, ref_first in zip(ids, numbers, first_is_reference):
        one, two = (reference[cid], second[cid]) if ref_first else (second[cid], reference[cid])
        same_function = cid in fixed or one[1] == two[1]
        item = f"A-{number:06x}"
        rows.append({"item_id": item, "text": shown_text[cid], "codes_both": "; ".join(sorted(one[0] & two[0])),
                     "codes_reading_1": "; ".join(sorted(one[0] - two[0])), "codes_reading_2": "; ".join(sorted(two[0] - one[0])),
                     "function_reading_1": "" if same_function else one[1], "function_reading_2": "" if same_function else two[1]})
        order.append({"item_id": item, "contribution_id": cid, "reading_1": "reference" if ref_first else "second"})
    packet = pd.DataFrame(rows, columns=PACKET_COLUMNS).sort_values("item_id", ignore_index=True)
    return packet, pd.DataFrame(order, columns=ORDER_COLUMNS).sort_values("item_id", ignore_index=True)


def expected_points(packet: pd.DataFrame) -> set[tuple[str, str]]:
    """(item, code) for every disputed code, and (item, "function") where the functions differ."""
    points = set()
    for row in packet.itertuples(index=False):
        for codes in (row.codes_reading_1, row.codes_reading_2):
            points |= {(row.item_id, code) for code in codes.split("; ") if code}
        if row.function_reading_1 or row.function_reading_2:
            points.add((row.item_id, "function"))
    return points


def answer_problems(packet: pd.DataFrame, answers: pd.DataFrame) -> list[str]:
    """What is wrong with the adjudicator's answers: a disputed point without a decision, a
    decision on no disputed point, a decision that is not allowed, a blank reason."""
    functions = {item: {row.function_reading_1, row.function_reading_2} for row in packet.itertuples(index=False) for item in [row.item_id]}
    want = expected_points(packet)
    got = set()
    problems = []
    for row in answers.itertuples(index=False):
        is_function = row.code_id in functions.get(row.item_id, set()) - {""}
        point = (row.item_id, "function" if is_function else row.code_id)
        if point not in want:
            problems.append(f"{row.item_id} / {row.code_id}: not a disputed point of the packet")
        elif point in got:
            problems.append(f"{row.item_id} / {row.code_id}: a second decision")
        elif not is_function and row.decision not in DECISIONS:
            problems.append(f"{row.item_id} / {row.code_id}: decision {row.decision!r} is not present or absent")
        elif is_function and row.decision != "chosen":
            problems.append(f"{row.item_id} / {row.code_id}: a function's decision is 'chosen'")
        elif not str(row.reason).strip():
            problems.append(f"{row.item_id} / {row.code_id}: no reason")
        got.add(point)
    problems += [f"{item} / {code}: no decision" for item, code in sorted(want - got)]
    return problems


def reconciliation_log(packet: pd.DataFrame, order: pd.DataFrame, answers: pd.DataFrame,
                       reference: Mapping[str, tuple], second: Mapping[str, tuple]) -> pd.DataFrame:
    """The decisions as a reconciliation log (``contribution_id``, ``code_id``, ``before`` (the
    reference), ``second_coder``, ``decision``, ``reason``), in the order file's order; a
    function decision gives a row for each of the two functions."""
    contribution_of = dict(zip(order["item_id"], order["contribution_id"]))
    by_item = {item: group for item, group in answers.groupby("item_id", sort=False)}
    rows = []
    for item in order["item_id"]:
        cid = contribution_of[item]
        for answer in by_item[item].itertuples(index=False):
            (ref_codes, ref_function), (sec_codes, sec_function) = reference[cid], second[cid]
            if answer.code_id in {ref_function, sec_function} - set(ref_codes | sec_codes):
                for function in sorted({ref_function, sec_function} - {""}):
                    rows.append((cid, function, _presence(function == ref_function), _presence(function == sec_function),
                                 _presence(function == answer.code_id), answer.reason))
            else:
                rows.append((cid, answer.code_id, _presence(answer.code_id in ref_codes), _presence(answer.code_id in sec_codes),
                             answer.decision, answer.reason))
    return pd.DataFrame(rows, columns=["contribution_id", "code_id", "before", "second_coder", "decision", "reason"])


def _presence(flag: bool) -> str:
    return "present" if flag else "absent"
