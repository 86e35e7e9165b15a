"""Key messages and the evidence explorer, from small hand-made tables with answers worked out by hand."""

import pandas as pd
import pytest
import textstat
from lxml import html as lxml_html

from analysis.compare.robustness import Claim
from analysis.report import findings as fx
from analysis.report import messages as km
from analysis.report.explorer import explorer_page, explorer_themes
from analysis.report.markup import render
from tests.test_findings import CONTRIBUTIONS, LABELS, PRESENCE, prevalence

READING_EASE_FLOOR = 50
PREVALENCE = prevalence([
    ("users", "relationships", 2, 3, 2 / 3, False), ("users", "workload", 1, 3, 1 / 3, False),
    ("workers", "relationships", 1, 2, 0.5, False), ("workers", "workload", 0, 2, 0.0, False),
    ("tiny", "relationships", 0, 1, 0.0, True),
])
TIED = PREVALENCE.assign(n=[2, 1, 1, 1, 0])  # workers raise workload too: both themes raised by both groups
VOICE = pd.DataFrame({
    "side": ["voice", "subject"], "theme_id": ["relationships", "relationships"], "n": [2, 1], "denominator": [3, 2],
    "share": [2 / 3, 0.5], "groups": ["users", "people_who_use_services"], "comparison": ["Users: x", "Users: x"],
})
REPRESENTATION = pd.DataFrame({
    "speaker_group": ["users", "workers"], "theme_id": ["relationships", "relationships"],
    "n": [2, 1], "denominator": [3, 2], "share": [2 / 3, 0.5], "adjusted_residual": [0.4, -0.4],
})
DIFFERENCES = pd.DataFrame({
    "source_a": ["lancaster_2012"], "source_b": ["changing_lives_2006"], "theme_id": ["voice"],
    "n_a": [0], "denominator_a": [8], "share_a": [0.0], "n_b": [1], "denominator_b": [2], "share_b": [0.5],
    "difference": [-0.5], "ci_low": [-1.0], "ci_high": [-0.1],
})
SOURCE_LABELS = {**LABELS, "lancaster_2012": "Lancaster 2012", "changing_lives_2006": "Changing Lives 2006"}


def message(finding: fx.Finding, contributions=CONTRIBUTIONS, labels=SOURCE_LABELS) -> km.KeyMessage:
    return km.from_finding(finding, contributions, labels)


def test_a_theme_raised_by_every_group_in_plain_words():
    built = message(fx.widest_agreement(PREVALENCE, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS))
    assert built.text == "All 2 groups raised relationships. It came up in 3 of their 5 statements (60%)."
    assert (built.n, built.denominator, built.item, built.group) == (3, 5, "relationships", None)
    assert built.anchor == "theme-relationships"  # the theme across every group, as the message counts it


def test_a_tie_is_said_to_be_a_tie():
    built = message(fx.widest_agreement(TIED, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS))
    assert built.text == ("2 themes were each raised by all 2 groups: relationships and workload. "
                          "The most common, relationships, came up in 3 of their 5 statements (60%).")


def test_a_group_that_raised_a_theme_more_than_everyone_else():
    built = message(fx.sharpest_difference(REPRESENTATION, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS))
    assert built.text == ("Users raised relationships far more often than the other groups. "
                          "It was in 2 of their 3 statements (67%), against 1 of 2 (50%) from everyone else.")
    assert (built.group, built.anchor) == ("users", "cell-relationships-users")


def test_one_set_of_documents_raising_a_theme_more_than_another():
    finding = fx.source_contrast(DIFFERENCES, "lancaster_2012", "changing_lives_2006", PRESENCE, CONTRIBUTIONS, SOURCE_LABELS)
    assert message(finding).text == ("Changing Lives 2006 raised voice more often than Lancaster 2012: "
                                     "in 1 of 2 statements (50%), against 0 of 8 (0%).")


def test_what_a_group_said_beside_what_was_written_about_it():
    built = message(fx.voice_and_subject(VOICE, "Users: x", PRESENCE, CONTRIBUTIONS, SOURCE_LABELS))
    assert built.text == ("Users raised relationships in 2 of their own 3 statements (67%). Changing Lives 2006 raised it "
                          "in 1 of its 2 statements about people who use services (50%).")
    assert built.quote_id in {"a1", "a2"}  # the voice side says it more, so the quote is theirs


def test_tied_action_themes_cannot_be_ranked():
    tied = pd.concat([CONTRIBUTIONS, pd.DataFrame({"contribution_id": ["e4", "e5"], "speaker_group": ["planners"] * 2,
                                                   "section": ["example_action"] * 2, "parent_id": ["t1", "t1"],
                                                   "list_position": [4, 5], "text": ["x", "y"]})], ignore_index=True)
    built = message(fx.prioritised_actions(tied, ("action_theme", "example_action")))
    assert built.text.startswith("The groups' prioritised actions cannot be ranked. 2 action themes tie for the most examples, with 2 each")
    assert built.anchor == "c-t1"


def test_a_key_message_has_its_findings_numbers_quote_and_caveat():
    # relationships in Lancaster 2012: a1 (40 words), a2 (30 words) and e1 (2 words); the finding quotes the typical one, a2.
    contributions = CONTRIBUTIONS.assign(text=["word " * 40, "word " * 30, *CONTRIBUTIONS["text"].iloc[2:]])
    presence = PRESENCE.assign(relationships=[1, 1, 0, 1, 0, 0, 0, 1, 0, 0])
    findings = [
        fx.leading_theme(presence, contributions, "lancaster_2012", "Lancaster 2012", SOURCE_LABELS),
        fx.voice_and_subject(VOICE, "Users: x", presence, contributions.assign(section=["support", *contributions["section"].iloc[1:]]),
                             SOURCE_LABELS, {"support": "how the university could help"}),
        fx.sharpest_difference(REPRESENTATION, "speaker_group", presence, contributions, LABELS),
    ]
    assert findings[0].quote_id == "a2" and findings[1].caveat
    for finding in findings:
        built = message(finding, contributions)
        assert (built.n, built.denominator, built.quote_id, built.quote, built.caveat) == (
            finding.n, finding.denominator, finding.quote_id, finding.quote, finding.caveat)
        assert f"{finding.n} of " in built.text and str(finding.denominator) in built.text


def test_messages_read_easily_and_the_measure_tells_plain_from_technical():
    plain = message(fx.widest_agreement(PREVALENCE, "speaker_group", PRESENCE, CONTRIBUTIONS, LABELS)).text
    assert textstat.flesch_reading_ease(plain) >= READING_EASE_FLOOR
    technical = ("Correspondence analysis positions stakeholder categories proximate to disproportionately "
                 "articulated thematic constructs, with Benjamini-Hochberg adjusted permutation probabilities.")
    assert textstat.flesch_reading_ease(technical) < READING_EASE_FLOOR


def test_the_explorer_opens_every_cell_to_all_of_its_quotes():
    contributions = CONTRIBUTIONS.assign(speaker_label=CONTRIBUTIONS["speaker_group"], source_id="s1")
    themes = explorer_themes(PRESENCE, contributions, "speaker_group", {**LABELS, "users": "Users <i>"},
                             {"relationships": "Being listened to"}, {"s1": "Source one"})
    assert [theme["id"] for theme in themes] == ["relationships", "workload", "voice"]
    cells = {cell["anchor"]: [quote.id for quote in cell["quotes"]] for cell in themes[0]["cells"]}
    assert cells == {"cell-relationships-users": ["a1", "a2"], "cell-relationships-workers": ["b1"]}
    page = lxml_html.fromstring(explorer_page(themes, "T", "briefing.html", "Intro."))
    assert page.xpath("//details[@id='cell-relationships-users']//li/@id") == ["c-a1", "c-a2"]
    assert page.xpath("string(//details[@id='cell-relationships-users']/summary)") == "Users <i>: 2 of their 3 statements"
    carrying = PRESENCE.index[PRESENCE.sum(axis=1) > 0]
    assert sorted(page.xpath("//li[starts-with(@id, 'c-')]/@id")) == sorted(f"c-{i}" for i in carrying)
    assert not page.xpath("//script")
    assert '"DejaVu Sans"' in page.xpath("string(//style)")  # the stylesheet itself is not escaped


@pytest.mark.integration
def test_the_built_key_messages_are_robust_plain_and_quoted(smoke_build):
    built = pd.read_csv(smoke_build.outputs_dir / "tables" / "key_messages.csv")
    assert 1 <= len(built) <= 5
    assert textstat.flesch_reading_ease(" ".join(built["text"])) >= READING_EASE_FLOOR
    findings = pd.read_csv(smoke_build.outputs_dir / "tables" / "findings.csv").set_index("key")
    for row in built.itertuples():
        assert f"{row.n} of " in row.text and str(row.denominator) in row.text
        assert (row.n, row.denominator, row.quote_id) == tuple(findings.loc[row.finding, ["n", "denominator", "quote_id"]])
    grid = pd.read_csv(smoke_build.outputs_dir / "tables" / "robustness_grid.csv")
    from analysis.compare.robustness import robust_findings

    assert set(built["finding"]) <= set(robust_findings(grid))


def test_a_finding_links_to_the_statements_behind_it():
    from analysis.report.explorer import finding_anchor

    def anchor(claim):
        return finding_anchor(fx.Finding("L: t.", 1, 2, "a1", "q", "t", "k", claim))

    assert anchor(Claim("group_difference", ("relationships",), higher="users")) == "cell-relationships-users"
    assert anchor(Claim("most_groups", ("relationships", "voice"))) == "theme-relationships"
    assert anchor(Claim("most_examples", ("t1",))) == "c-a1"
    assert anchor(None) == "c-a1"


def test_a_finding_says_how_many_statements_answer_another_question_and_its_key_message_says_the_same():
    contributions = CONTRIBUTIONS.assign(section=["other"] + list(CONTRIBUTIONS["section"].iloc[1:]))  # a1 answers another question
    finding = fx.voice_and_subject(VOICE, "Users: x", PRESENCE, contributions, SOURCE_LABELS, {"other": "how the university could help"})
    # without a1, users raised it in 1 (a2) of their other 2 statements (a2, a3)
    assert finding.caveat == "1 of the statements by Users answers how the university could help; without those, 1 of 2 (50%)."
    page = lxml_html.fromstring(render("key_messages.html.j2", evidence=lambda anchor: f"e.html#{anchor}", messages=[message(finding, contributions)],
                                       rule="", about=""))
    assert page.xpath("string(//li[@class='message']/p)").endswith(finding.caveat)
