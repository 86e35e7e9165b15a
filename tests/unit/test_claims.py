"""Claims within one question and one role, tested under checks that could change them (hand-worked)."""

import pandas as pd
import pytest

from analysis.coding.questions import question_frame, synthesis_problems
from analysis.compare import claims as cl
from analysis.report import by_question as bq
from analysis.report.markup import render

QUESTIONS = {"future": {"label": "The future hoped for", "asks": "?", "statement_function": "hope"},
             "obstacles": {"label": "What stands in the way", "asks": "?", "statement_function": "problem"}}
ROLES = {"vision": "voice", "challenge": "voice", "aspiration": "subject", "prose": "voice"}


def contributions() -> pd.DataFrame:
    """Group A (4 statements) and group B (1) hope; person C (3) hopes in prose; a review writes about workers."""
    rows = [("A-1", "vision", "a", "set1"), ("A-2", "vision", "a", "set1"), ("A-3", "vision", "a", "set1"), ("A-4", "vision", "a", "set1"),
            ("B-1", "vision", "b", "set1"), ("C-1", "prose", "c", "set2"), ("C-2", "prose", "c", "set2"), ("C-3", "prose", "c", "set2"),
            ("D-1", "prose", "d", "set2"), ("R-1", "aspiration", "review", "set3"), ("A-5", "challenge", "a", "set1")]
    frame = pd.DataFrame(rows, columns=["contribution_id", "section", "speaker_group", "source_set"])
    return frame.assign(mixed_group="", subject_group=["", "", "", "", "", "", "", "", "", "workers", ""], source_id=frame["source_set"])


FUNCTIONS = pd.Series({"A-1": "hope", "A-2": "hope", "A-3": "hope", "A-4": "hope", "B-1": "hope", "C-1": "hope", "C-2": "hope",
                       "C-3": "observation", "D-1": "hope", "R-1": "hope", "A-5": "problem"})
#            A-1 A-2 A-3 A-4 B-1 C-1 C-2 C-3 D-1 R-1 A-5
CODES = {"x": [1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1],
         "y": [0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0],
         "z": [0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0]}


def evidence(second: dict | None = None, cued_codes: dict | None = None) -> cl.Evidence:
    ids = list(contributions()["contribution_id"])
    frame = question_frame(contributions(), FUNCTIONS, QUESTIONS, ROLES)
    consensus = pd.DataFrame(CODES, index=ids)
    presence = {"consensus": consensus, "first": consensus.copy()}
    if second is not None:
        presence["second"] = pd.DataFrame(second, index=ids)
    cued = pd.DataFrame(0, index=ids, columns=list(CODES))
    for code, members in (cued_codes or {}).items():
        cued.loc[members, code] = 1
    return cl.Evidence(frame, presence, {"x": "t1", "y": "t2", "z": "t2"}, cued)


def test_each_statement_answers_the_question_of_its_function_in_its_sections_role():
    frame = question_frame(contributions(), FUNCTIONS, QUESTIONS, ROLES)
    assert frame.loc["A-5", "question"] == "obstacles" and frame.loc["C-3", "question"] == ""  # an observation answers none
    assert frame.loc["R-1", "role"] == "subject" and frame.loc["A-1", "role"] == "voice"


def test_a_claim_compares_only_statements_of_one_question_and_role():
    result = cl.evaluate(cl.Claim("k", "leading", "future"), evidence())
    # voice hopes: A-1..A-4, B-1, C-1, C-2, D-1 (not the observation C-3, not the review's R-1, not the problem A-5)
    assert result.denominator == 8 and result.leaders == ("x",) and result.n == 5
    assert result.effect == pytest.approx(5 / 8 - 3 / 8)


def test_each_speaker_weighted_equally_changes_the_leader():
    speaker = cl.evaluate(cl.Claim("k", "leading", "future"), evidence(), cl.View(weighting="speaker"))
    # per speaker, share carrying x: a 3/4, b 0, c 2/2, d 0 -> 0.4375; y: a 1/4, b 1, c 0, d 1 -> 0.5625; z: 0, 1, 0, 1 -> 0.5
    assert speaker.leaders == ("y",) and speaker.effect == pytest.approx(0.5625 - 0.5)
    rows = cl.grid(cl.Claim("k", "leading", "future"), evidence())
    assert rows.set_index("check").loc["speaker", "verdict"] == cl.REVERSES


def test_a_check_that_leaves_every_number_unchanged_is_inert_and_not_counted():
    claim = cl.Claim("k", "leading", "future")
    rows = cl.grid(claim, evidence()).set_index("check")
    assert rows.loc["no_cued", "verdict"] == cl.INERT  # no code is cued anywhere
    assert rows.loc["first_coder", "verdict"] == cl.INERT  # the first coder's coding is the consensus here
    assert rows.loc["second_coder", "verdict"] == cl.NOT_APPLICABLE  # these data have no second coder
    only_inert = pd.DataFrame({"verdict": [cl.HOLDS, cl.HOLDS, cl.INERT, cl.INERT, cl.NOT_APPLICABLE]})
    assert not cl.is_robust(only_inert)  # two live checks are not enough
    assert cl.is_robust(pd.DataFrame({"verdict": [cl.HOLDS] * 3 + [cl.INERT]}))


def test_another_coders_coding_can_overturn_a_claim():
    second = {"x": [0] * 11, "y": CODES["y"], "z": CODES["z"]}
    rows = cl.grid(cl.Claim("k", "leading", "future"), evidence(second)).set_index("check")
    assert rows.loc["second_coder", "verdict"] == cl.REVERSES


def test_a_lead_named_by_the_prompt_is_true_by_construction():
    claim = cl.Claim("k", "leading", "future")
    plain = cl.evaluate(claim, evidence())
    assert not cl.by_construction(claim, plain, evidence())
    cued = evidence(cued_codes={"x": ["A-1", "A-2", "A-3", "C-1"]})  # the prompt of most statements carrying x names it
    assert cl.by_construction(claim, cl.evaluate(claim, cued), cued)
    aside = cl.evaluate(cl.Claim("k", "leading", "future", drop_cued=True), cued)
    assert "x" not in aside.leaders


def test_a_difference_between_sets_reverses_when_the_other_side_leads():
    claim = cl.Claim("d", "difference", "future", item="x", side_a="set2", side_b="set1")
    result = cl.evaluate(claim, evidence())
    assert result.effect == pytest.approx(2 / 3 - 3 / 5)  # the observation C-3 answers no question
    assert cl.evaluate(cl.Claim("d", "difference", "future", item="x", side_a="set1", side_b="set2"), evidence()).effect < 0
    second = {"x": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "y": CODES["y"], "z": CODES["z"]}
    assert cl.grid(claim, evidence(second)).set_index("check").loc["second_coder", "verdict"] == cl.REVERSES


def test_synthesis_sentences_must_cite_statements_of_their_question_carrying_their_code():
    frame = question_frame(contributions(), FUNCTIONS, QUESTIONS, ROLES)
    codes = {cid: {c for c, column in CODES.items() if column[i]} for i, cid in enumerate(contributions()["contribution_id"])}
    good = [{"question": "future", "code": "x", "sentences": [{"text": "Most hoped for x.", "cites": ["A-1", "C-1"]}]}]
    assert synthesis_problems(good, frame, codes, QUESTIONS, "synthesis.yaml") == []
    bad = [{"question": "future", "code": "x", "sentences": [
        {"text": "No evidence.", "cites": []},
        {"text": "A problem, not a hope.", "cites": ["A-5"]},
        {"text": "Does not carry x.", "cites": ["B-1"]},
        {"text": "Unknown.", "cites": ["Q-9"]}]}]
    found = [p.message for p in synthesis_problems(bad, frame, codes, QUESTIONS, "synthesis.yaml")]
    assert found == ["cites no contribution: every sentence rests on statements", "A-5 does not answer 'future'",
                     "B-1 does not carry 'x' in the consensus", "unknown contribution 'Q-9'"]


def test_a_key_message_quotes_a_speaker_of_the_side_it_is_about_and_says_when_one_is_a_person():
    ev = evidence()
    claim = cl.Claim("d", "difference", "future", item="x", side_a="set2", side_b="set1")
    registry = pd.DataFrame([{"claim": "d", "kind": "difference", "question": "future", "leaders": "x", "effect": 0.1,
                              "reach": 2, "speakers": 2, "robust": True, "by_construction": False}])
    grid = cl.grid(claim, ev)
    frame = contributions().assign(text=lambda f: "text of " + f["contribution_id"])
    groups = {"a": {"short_label": "Group A", "kind": "group"}, "b": {"short_label": "Group B", "kind": "group"},
              "c": {"short_label": "Writer C", "kind": "one person"}, "d": {"short_label": "Body D", "kind": "organisation"}}
    sources = pd.DataFrame({"source_id": ["set1", "set2", "set3"], "title": ["One", "Two", "Three"], "date": ["2012-01-01", "2016-01-01", "2006-01-01"]})
    (message,) = bq.key_messages(ev, registry, [claim], grid, {"future": QUESTIONS["future"]}, [], frame, groups, sources, {})
    assert message.quote.contribution_id in {"C-1", "C-2"}  # set2 statements carrying x
    assert message.quote.speaker == "Writer C (one person)"
    assert message.said[0].sides[0]["who"] == "an organisation and a single person; one of them, Writer C, made 2 of these 3 statements"
    assert message.confidence.adequacy == 2 and message.confidence.relevance == 1  # few speakers, one dominant; two sets compared
    page = render("key_messages.html.j2", evidence=lambda anchor: f"evidence.html#{anchor}", messages=[message], unsupported="", unsupported_count=0,
                  minimum=3, n_sources=2, n_statements=9, n_groups=3, by_group=True, n_sets=2, sets="A and B", sectors="x",
                  fixture="")
    (printed,) = bq.printed_messages(page)
    assert "Writer C (one person), 2016" in printed and f'aria-label="statement {message.quote.contribution_id} in the evidence explorer"' in page
    assert f"How sure: {message.confidence.rating} confidence" in printed


def test_the_explorer_holds_every_statement_those_without_a_counted_code_included():
    from analysis.report.explorer import UNCOUNTED, explorer_themes

    frame = contributions().assign(text="t", speaker_label="s")
    presence = pd.DataFrame(CODES, index=frame["contribution_id"]).drop(columns="z")
    themes = explorer_themes(presence, frame, "speaker_group", {"c": "Writer C (one person)"}, {}, {})
    held = {quote.id for theme in themes for cell in theme["cells"] for quote in cell["quotes"]}
    assert held == set(frame["contribution_id"])
    assert themes[-1]["id"] == UNCOUNTED and {q.id for c in themes[-1]["cells"] for q in c["quotes"]} == {"C-3"}
    speakers = {q.id: (q.speaker, q.printed) for theme in themes for cell in theme["cells"] for q in cell["quotes"]}
    assert speakers["C-1"] == ("Writer C (one person)", "s") and speakers["A-1"] == ("s", "s")  # named as the briefing names them


def test_leaving_out_a_document_is_a_live_check_and_one_speaker_left_is_no_claim():
    ids = ["P-1", "P-2", "Q-1", "R-1", "S-1"]
    frame = pd.DataFrame({"contribution_id": ids, "section": "vision", "speaker_group": ["p", "p", "q", "r", "s"],
                          "source_set": "set1", "source_id": ["d1", "d1", "d1", "d2", "d2"], "mixed_group": "", "subject_group": ""})
    questions = question_frame(frame, pd.Series("hope", index=ids), QUESTIONS, ROLES)
    presence = pd.DataFrame({"x": [1, 1, 1, 0, 0], "y": [0, 0, 0, 1, 1]}, index=ids)
    ev = cl.Evidence(questions, {"consensus": presence}, {"x": "t1", "y": "t2"}, presence * 0)
    claim = cl.Claim("k", "leading", "future", scope=("source_set", "set1"))
    rows = cl.grid(claim, ev).set_index("check")
    assert rows.loc["document_out", "verdict"] == cl.REVERSES  # without d1, y leads
    assert cl.evaluate(claim, ev, cl.View(leave_out=(("speaker_group", "p"), ("speaker_group", "q"), ("speaker_group", "r")))) is None


def test_leaving_out_derived_groups_or_uncertain_statements_can_change_a_claim():
    marked = evidence()
    frame = marked.frame.assign(**{cl.DERIVED: marked.frame["speaker_group"] == "a",
                                   cl.UNCERTAIN: marked.frame.index.isin(["C-1", "C-2"])})
    marked = cl.Evidence(frame, marked.presence, marked.theme_of, marked.cued)
    claim = cl.Claim("k", "leading", "future")
    assert cl.evaluate(claim, marked).leaders == ("x",)  # x: A-1..A-3, C-1, C-2 of 8 voice hopes
    without_derived = next(check for check in cl.CHECKS if check.key == "derived_out").view
    assert cl.evaluate(claim, marked, without_derived).leaders == ("x", "y", "z")  # of B-1, C-1, C-2, D-1 each code has two: a tie
    without_uncertain = next(check for check in cl.CHECKS if check.key == "uncertain_out").view
    assert cl.evaluate(claim, marked, without_uncertain).n == 3  # x keeps A-1..A-3
    assert cl.evaluate(claim, evidence(), without_derived) == cl.evaluate(claim, evidence())  # nothing marked: nothing left out
