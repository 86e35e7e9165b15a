"""Adjudication of a blind test's disagreements: unlabelled readings, every dispute decided, the log applied."""

import pandas as pd
import pytest

from analysis.coding import adjudication as adj
from analysis.coding.blind_test import consensus_lines

FUNCTIONS = ["hope", "need", "observation"]


def coding_rows(coder: str, rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([(cid, code, coder) for cid, code in rows], columns=["contribution_id", "code_id", "coder"])


REFERENCE = coding_rows("ref", [("X-1", "funding"), ("X-1", "hope"), ("X-2", "time"), ("X-2", "need"), ("X-3", "voice"), ("X-3", "hope")])
SECOND = coding_rows("sec", [("X-1", "funding"), ("X-1", "hope"), ("X-2", "time"), ("X-2", "voice"), ("X-2", "hope"), ("X-3", "voice"), ("X-3", "need")])
IDS = ["X-1", "X-2", "X-3"]


def readings() -> tuple[dict, dict]:
    both = pd.concat([REFERENCE, SECOND])
    return adj.readings(both, "ref", IDS, FUNCTIONS), adj.readings(both, "sec", IDS, FUNCTIONS)


def test_only_units_that_differ_are_disputed_and_a_heading_function_is_not():
    reference, second = readings()
    assert adj.disputes(reference, second, fixed=set()) == ["X-2", "X-3"]
    assert adj.disputes(reference, second, fixed={"X-3"}) == ["X-2"]  # X-3 differs only in a function its heading fixes


def test_the_packet_hides_whose_reading_is_whose_and_the_order_file_keeps_it():
    reference, second = readings()
    packet, order = adj.adjudication_packet(reference, second, set(), {"X-2": "More time", "X-3": "A voice"}, seed=7)
    assert list(packet.columns) == adj.PACKET_COLUMNS and "contribution_id" not in packet.columns
    assert not packet["item_id"].str.contains("X-").any()
    row = packet.set_index("item_id").loc[order.set_index("contribution_id").loc["X-2", "item_id"]]
    first_is_reference = order.set_index("contribution_id").loc["X-2", "reading_1"] == "reference"
    assert (row["codes_reading_1"], row["codes_reading_2"]) == (("", "voice") if first_is_reference else ("voice", ""))
    assert {row["function_reading_1"], row["function_reading_2"]} == {"need", "hope"}
    sides = {adj.adjudication_packet(reference, second, set(), {"X-2": "", "X-3": ""}, seed)[1]["reading_1"].iloc[0] for seed in range(20)}
    assert sides == {"reference", "second"}  # either reading can come first


def answers_for(packet: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    item = order.set_index("contribution_id")["item_id"]
    return pd.DataFrame([(item["X-2"], "voice", "absent", "Rule 1: only hinted at."), (item["X-2"], "need", "chosen", "Rule (2): a requirement."),
                         (item["X-3"], "need", "chosen", "Function rule (2).")], columns=adj.ANSWER_COLUMNS)


def test_every_disputed_point_needs_one_decision_with_a_reason():
    reference, second = readings()
    packet, order = adj.adjudication_packet(reference, second, set(), {"X-2": "", "X-3": ""}, seed=1)
    answers = answers_for(packet, order)
    assert adj.answer_problems(packet, answers) == []
    assert adj.answer_problems(packet, answers.iloc[1:]) == [f"{answers.iloc[0]['item_id']} / voice: no decision"]
    blank = answers.assign(reason=["", "x", "y"])
    assert adj.answer_problems(packet, blank) == [f"{answers.iloc[0]['item_id']} / voice: no reason"]
    wrong = answers.assign(decision=["maybe", "chosen", "chosen"])
    assert adj.answer_problems(packet, wrong) == [f"{answers.iloc[0]['item_id']} / voice: decision 'maybe' is not present or absent"]


def test_decisions_become_a_log_that_the_consensus_follows():
    reference, second = readings()
    packet, order = adj.adjudication_packet(reference, second, set(), {"X-2": "", "X-3": ""}, seed=1)
    log = adj.reconciliation_log(packet, order, answers_for(packet, order), reference, second)
    assert set(map(tuple, log[["contribution_id", "code_id", "before", "second_coder", "decision"]].to_numpy())) == {
        ("X-2", "voice", "absent", "present", "absent"), ("X-2", "need", "present", "absent", "present"),
        ("X-2", "hope", "absent", "present", "absent"), ("X-3", "hope", "present", "absent", "absent"),
        ("X-3", "need", "absent", "present", "present")}
    lines = ["contribution_id,code_id,coder,memo\n", "X-2,time,consensus,\n", "X-2,need,consensus,\n",
             "X-3,voice,consensus,\n", "X-3,hope,consensus,\n", "X-3,hope,ref,\n"]
    assert consensus_lines(lines, log, "consensus") == [
        "contribution_id,code_id,coder,memo\n", "X-2,time,consensus,\n", "X-2,need,consensus,\n",
        "X-3,voice,consensus,\n", "X-3,need,consensus,\n", "X-3,hope,ref,\n"]


def test_a_log_for_a_contribution_without_consensus_rows_is_refused():
    log = pd.DataFrame([("Z-9", "voice", "absent", "present", "present", "r")], columns=["contribution_id", "code_id", "before", "second_coder", "decision", "reason"])
    with pytest.raises(ValueError, match="Z-9"):
        consensus_lines(["contribution_id,code_id,coder,memo\n"], log, "consensus")
