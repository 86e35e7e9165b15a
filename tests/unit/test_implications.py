""""What this means": at most three points, each resting on a question's key message, shown only when the build has it."""

from lxml import html as lxml_html

from analysis.evidence.data import Data
from analysis.coding.implications import MAX_IMPLICATIONS, check_implications, implications_problems, implications_shown
from analysis.paths import DATA_DIR
from analysis.report.markup import render

QUESTIONS = {"future": {"label": "The future hoped for"}, "actions": {"label": "What should be done"}}


def test_a_point_needs_a_known_question_and_a_text_and_there_are_at_most_three():
    entries = [{"question": "future", "text": "x"}, {"question": "nowhere", "text": "y"}, {"question": "actions", "text": " "}, "z"]
    problems = [(problem.column, problem.message) for problem in implications_problems(entries, QUESTIONS, "f")]
    assert problems == [
        ("implications", f"4 points; at most {MAX_IMPLICATIONS}"),
        ("implications[2].question", "unknown question 'nowhere' (allowed: future, actions)"),
        ("implications[3].text", "has no text"),
        ("implications[4]", "not a mapping"),
    ]
    assert implications_problems(entries[:1], QUESTIONS, "f") == []


def test_only_points_whose_question_has_a_key_message_are_shown_in_the_messages_order():
    entries = [{"question": "actions", "text": "a"}, {"question": "future", "text": "f"}, {"question": "needs", "text": "n"}]
    shown = implications_shown(entries, ["obstacles", "future", "actions"])
    assert [(point["question"], point["number"]) for point in shown] == [("future", 2), ("actions", 3)]
    assert implications_shown(entries, []) == []


def test_each_point_is_marked_as_interpretation_and_names_its_key_message_escaped():
    shown = implications_shown([{"question": "future", "text": "<b>Do</b> this"}], ["future"])
    tree = lxml_html.fromstring(render("implications.html.j2", implications=shown, labels={"future": "The future hoped for"}))
    assert "interpretation" in tree.xpath("string(//p)")
    assert tree.xpath("string(//li)") == "From key message 1 (The future hoped for): <b>Do</b> this"
    assert not tree.xpath("//li/b")


def test_the_project_points_are_valid(tmp_path):
    assert check_implications(Data(DATA_DIR)) == []
    (tmp_path / "implications.yaml").write_text("implications: nope\n", encoding="utf-8")
    assert [problem.message for problem in check_implications(Data(tmp_path))] == ["missing or not a list"]
    assert check_implications(Data(tmp_path / "elsewhere")) == []
