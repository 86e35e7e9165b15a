"""Extraction: reproducible, complete and faithful to the documents.

Expected counts are read off the documents (data/sources/*.txt) by eye, and where possible
recomputed from the raw text here by a rule independent of analysis.evidence.corpus.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.evidence.data import Data
from analysis.evidence import extraction
from analysis.evidence.corpus import Span, sentences
from analysis.evidence.extraction import build_contributions, contributions_csv
from analysis.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def csv_text() -> str:
    """contributions.csv as a fresh extraction writes it."""
    return contributions_csv(build_contributions(Data(DATA)))


@pytest.fixture(scope="module")
def built(csv_text) -> pd.DataFrame:
    """A fresh extraction as a spreadsheet user sees it: text cells, empty for missing."""
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    return frame.astype({"char_start": int, "char_end": int})


def source(source_id: str) -> str:
    return (DATA / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")


def rows(frame: pd.DataFrame, source_id: str, section: str | None = None) -> pd.DataFrame:
    selected = frame[frame["source_id"] == source_id]
    return selected if section is None else selected[selected["section"] == section]


def covered(frame: pd.DataFrame, source_id: str, offset: int) -> bool:
    """Whether some contribution's span of that source contains ``offset``."""
    selected = rows(frame, source_id)
    return bool(((selected["char_start"] <= offset) & (offset < selected["char_end"])).any())




# --- reproducibility ---------------------------------------------------------------------


def test_extraction_reproduces_the_committed_file_byte_for_byte(csv_text):
    assert csv_text.encode("utf-8") == (DATA / "contributions.csv").read_bytes()


def test_write_and_check_from_the_command_line(data_copy, capsys):
    (data_copy / "contributions.csv").write_text("stale\n", encoding="utf-8")
    assert extraction.main(["--data-dir", str(data_copy), "--check"]) == 1
    assert extraction.main(["--data-dir", str(data_copy)]) == 0
    assert (data_copy / "contributions.csv").read_bytes() == (DATA / "contributions.csv").read_bytes()
    assert extraction.main(["--data-dir", str(data_copy), "--check"]) == 0


def test_spans_do_not_overlap_so_nothing_is_taken_twice(built):
    for source_id, group in built.groupby("source_id"):
        spans = sorted(zip(group["char_start"], group["char_end"]))
        assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), source_id


# --- 000: Lancaster practitioner workshop ------------------------------------------------


def test_workshop_question_1_has_the_15_printed_answers(built):
    text = source("lancaster_workshop_2012")
    block = text.split("contribution that social work can make to citizens in the future?\n\n", 1)[1].split("\n\n\n")[0]
    printed = [line for line in block.splitlines() if re.match(r"\d+\. ", line)]
    answers = rows(built, "lancaster_workshop_2012", "contribution")
    assert len(printed) == len(answers) == 15
    assert list(answers["list_position"]) == [str(number) for number in range(1, 16)]
    assert list(answers["text"]) == [re.sub(r"^\d+\. ", "", line).strip() for line in printed]


def test_workshop_table(built):
    text = source("lancaster_workshop_2012")
    table = text.split("How could the university work in partnership with you and other organisations to support you?\n")[1]
    table_rows = [line for line in table.splitlines() if line.strip()]
    left_cells = [line.split("\t")[0].strip() for line in table_rows]
    # Every filled left cell is a need, except the "Other ideas" row heading and the second
    # half of the need split over two rows.
    needs = rows(built, "lancaster_workshop_2012", "need")
    assert len(needs) == sum(1 for cell in left_cells if cell) - 2 == 28
    assert "Recognise that supervision and case load management are different" in set(needs["text"])
    assert not {"Other ideas", "management are different", "Recognise that supervision and case load"} & set(needs["text"])
    # Each <p> item is one suggestion or other idea; right cells without <p> hold one.
    right_cells = [line.split("\t", 1)[1] for line in table_rows]
    expected = sum(cell.count("<p>") if "<p>" in cell else int(bool(cell.strip())) for cell in right_cells)
    support = rows(built, "lancaster_workshop_2012", "university_support")
    others = rows(built, "lancaster_workshop_2012", "other_idea")
    assert len(support) + len(others) == expected
    assert len(others) == 3 and list(others["text"])[0] == "Feedback to participants"
    assert not any("<p>" in value or "</p>" in value for value in built["text"])


def test_every_university_suggestion_has_a_parent_need(built):
    support = rows(built, "lancaster_workshop_2012", "university_support")
    need_ids = set(rows(built, "lancaster_workshop_2012", "need")["contribution_id"])
    assert support["parent_id"].isin(need_ids).all()
    by_need = dict(zip(built["contribution_id"], built["text"]))
    # Rows with an empty left cell continue the need above them.
    parent = support.loc[support["text"].str.startswith("Social workers should be seen as experts in their own right"), "parent_id"].item()
    assert by_need[parent].startswith("Social workers need to be seen as experts by others")
    parent = support.loc[support["text"].str.startswith("Closer links with practice teams"), "parent_id"].item()
    assert by_need[parent].startswith("Role of practice educator needs to be recognised")


def test_workshop_question_2_is_not_reconstructed(built):
    assert set(rows(built, "lancaster_workshop_2012")["section"]) == {"contribution", "need", "university_support", "other_idea"}
    assert set(rows(built, "lancaster_workshop_2012")["speaker_group"]) == {"practitioners_workshop"}


# --- 001: Lancaster visioning day --------------------------------------------------------


def test_every_bullet_of_the_visioning_day_lists_is_captured(built):
    text = source("lancaster_visioning_day_2012")
    start, end = text.index("\nVISIONING\n"), text.index("Where possible, participants were asked")
    offset = 0
    for line in text.splitlines(keepends=True):
        if start <= offset < end and re.match(r"\s*(- |[a-z]\) )", line):
            assert covered(built, "lancaster_visioning_day_2012", offset + len(line.rstrip()) - 1), line
        offset += len(line)


def test_nine_action_themes_by_the_facilitators(built):
    themes = rows(built, "lancaster_visioning_day_2012", "action_theme")
    assert len(themes) == 9
    assert list(themes["list_position"]) == [str(number) for number in range(1, 10)]
    assert set(themes["speaker_group"]) == {"facilitators"}


def test_vision_counts_per_stakeholder_group(built):
    visions = rows(built, "lancaster_visioning_day_2012", "vision")
    assert Counter(visions["speaker_group"]) == {
        "practitioners_vd_1": 7,
        "vi_strategic_leads": 7,
        "workforce_leads": 6,
        "lu_students": 5,
        "lu_staff": 2,
        "service_users_carers": 7,
        "la_strategic_leads": 7,
        "practitioners_vd_2": 6,
    }


def test_commonalities_of_the_six_mixed_groups(built):
    common = rows(built, "lancaster_visioning_day_2012", "commonality")
    assert set(common["speaker_group"]) == {"mixed"}
    assert Counter(common["mixed_group"]) == {"mixed_1": 4, "mixed_2": 3, "mixed_3": 4, "mixed_4": 4, "mixed_5": 6, "mixed_6": 6}


def test_opportunities_and_challenges_per_group(built):
    found = rows(built, "lancaster_visioning_day_2012", "opportunity_challenge")
    assert Counter(found["speaker_group"]) == {
        "service_users_carers": 4,
        "practitioners_vd_1": 6,
        "practitioners_vd_2": 5,
        "lu_staff": 3,
        "workforce_leads": 4,
        "lu_students": 5,  # six printed bullets, one split over two
        "vi_strategic_leads": 5,
        "la_strategic_leads": 7,  # "Strategic leads": three, a blank line, four
    }
    students = list(found.loc[found["speaker_group"] == "lu_students", "text"])
    assert "The opportunity provided by The College of Social Work- to give a professional voice and represent social workers" in students
    assert set(found.loc[found["speaker_label"] == "Strategic leads", "speaker_group"]) == {"la_strategic_leads"}


def test_example_actions_and_their_themes(built):
    examples = rows(built, "lancaster_visioning_day_2012", "example_action")
    theme_ids = set(rows(built, "lancaster_visioning_day_2012", "action_theme")["contribution_id"])
    linked = examples[examples["parent_id"] != ""]
    assert linked["parent_id"].isin(theme_ids).all()
    assert Counter(linked["parent_id"]) == {
        "VD-theme-01": 4, "VD-theme-02": 4, "VD-theme-03": 3, "VD-theme-04": 1, "VD-theme-05": 3,
        "VD-theme-06": 4, "VD-theme-07": 3, "VD-theme-08": 4, "VD-theme-09": 3,
    }
    unlinked = examples[examples["parent_id"] == ""]
    assert [text[:20] for text in unlinked["text"]] == [
        "how I can have a pos", "Promote what social ", "More partnerships be", "Use Appreciative Inq",
    ]
    assert set(examples["speaker_group"]) == {"action_planning_groups"}


def test_headings_and_narrative_are_not_contributions(built):
    texts = set(rows(built, "lancaster_visioning_day_2012")["text"])
    for line in ("Group 1", "Strategic leads", "Recruiting & keeping staff", "One of the action planning groups", "Service user and carer representatives"):
        assert line not in texts


# --- 002: Changing Lives -----------------------------------------------------------------


def test_changing_lives_counts(built):
    found = rows(built, "changing_lives_2006")
    assert Counter(found["section"]) == {"strength": 9, "challenge": 10, "aspiration": 34}
    aspirations = found[found["section"] == "aspiration"]
    assert Counter(aspirations["subject_group"]) == {
        "people_who_use_services": 9,
        "carers": 3,
        "social_service_workers": 6,
        "employing_organisations": 4,
        "general_public": 5,
        "partner_professions": 3,
        "political_leaders": 4,
    }
    assert set(found["speaker_group"]) == {"review_group_2006"}
    assert set(found.loc[found["section"] != "aspiration", "subject_group"]) == {""}


def test_changing_lives_leaves_out_furniture_and_the_evidence_list(built):
    text = source("changing_lives_2006")
    first_strength = text.index("Strengths to build on")
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("•"):
            assert covered(built, "changing_lives_2006", offset + line.index("•") + 2) == (offset > first_strength), line
        offset += len(line)
    assert not any("page PDF" in value or "2.6 MB" in value for value in rows(built, "changing_lives_2006")["text"])


# --- 003 and 004: prose ------------------------------------------------------------------


def test_prose_leaves_out_page_furniture(built):
    prose = rows(built, "cswp_rationale_2016")["text"].tolist() + rows(built, "community_care_forum_2016")["text"].tolist()
    for furniture in ("Picture:", "More from Community Care", "Join us", "by Laura Walters", "Responses to", "The Context", "Strong leadership"):
        assert not any(value.startswith(furniture) or value == furniture for value in prose), furniture


def test_article_and_replies_have_their_own_speakers(built):
    found = rows(built, "community_care_forum_2016")
    article = found[found["section"] == "prose"]
    assert set(article["speaker_group"]) == {"cc_childrens_social_worker"}
    replies = found[found["section"] == "reply"]
    keys = {value.split("-")[1] for value in replies["contribution_id"]}
    assert len(keys) == 7  # "7 Responses to ..."
    assert dict(zip(replies["speaker_label"], replies["speaker_group"])) == {
        "LongtimeSW": "cc_long_serving_social_worker",
        "A social worker": "cc_adults_social_worker",
        "Laura": "cc_childrens_social_worker",
    }
    assert replies["parent_id"].eq("").all()
    assert replies.loc[replies["contribution_id"] == "CC-r1a-01", "text"].item() == "BTW . . . . . also a Unison member"


def test_sentence_rule():
    text = "First one. Second (e.g. this) one? ‘Quoted,’ she said. BTW . . . also fine. It ends here"
    assert [span.text for span in sentences(text, Span(text, 0, len(text)))] == [
        "First one.",
        "Second (e.g. this) one?",
        "‘Quoted,’ she said.",
        "BTW . . . also fine.",
        "It ends here",
    ]


def test_recorded_clause_splits_and_joins_apply(built):
    texts = list(rows(built, "cswp_rationale_2016")["text"])
    assert texts[texts.index("but equally little space to think clinically (or sometimes at all) in many parts of the child protection system.") - 1].endswith("in certain regions;")
    reply = rows(built, "community_care_forum_2016")["text"]
    assert reply.str.startswith("‘If there was a unified voice").sum() == 1
    assert reply[reply.str.startswith("‘If there was a unified voice")].item().endswith("highly complex (set of) issue(s).")


# --- the repairs are data, and stale repairs fail ----------------------------------------


def edit_repairs(data_dir: Path, change) -> None:
    path = data_dir / "extraction_repairs.yaml"
    repairs = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(repairs)
    path.write_text(yaml.safe_dump(repairs, allow_unicode=True), encoding="utf-8")


def test_without_the_recorded_decision_the_strategic_leads_list_stops_extraction(data_copy):
    edit_repairs(data_copy, lambda repairs: repairs.update(list_continues_after_blank_line=[]))
    with pytest.raises(ValueError, match="blank line"):
        build_contributions(Data(data_copy))


def test_a_stale_join_stops_extraction(data_copy):
    edit_repairs(data_copy, lambda repairs: repairs["joined_lines"][0].update(first="No such line"))
    with pytest.raises(ValueError, match="joined_lines"):
        build_contributions(Data(data_copy))


def test_an_unused_attribution_stops_extraction(data_copy):
    edit_repairs(data_copy, lambda repairs: repairs["speaker_attributions"][0].update(label="No such heading"))
    with pytest.raises(ValueError):
        build_contributions(Data(data_copy))


def test_the_count_table_in_the_notes_is_current(built):
    notes = (DATA / "NOTES.md").read_text(encoding="utf-8")
    table = dict(((source_id, section), int(count)) for source_id, section, count in re.findall(r"^\| ([a-z0-9_]+) \| ([a-z_]+) \| (\d+) \|$", notes, re.MULTILINE))
    described = built[built["source_id"].isin({source_id for source_id, _ in table})]  # the sources the notes describe
    assert table == described.groupby(["source_id", "section"]).size().to_dict()
    assert f"| **all sources** | | **{len(described)}** |" in notes


def test_a_setting_missing_from_a_rule_entry_is_named_in_one_line(data_copy, capsys):
    path = data_copy / "extraction_rules.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    del rules["community_care_forum_2016"]["article_end"]
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    assert extraction.main(["--data-dir", str(data_copy), "--check"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "community_care_forum_2016 needs 'article_end'" in err[0] and "Traceback" not in err[0]
