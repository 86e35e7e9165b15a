"""What the key messages may mean for policy and practice: the analysts' interpretation, as data.

``data/implications.yaml`` holds at most :data:`MAX_IMPLICATIONS` points, each the ``question``
whose key message it rests on and its ``text``. The data folder cannot know which key messages a
build finds, so a point is checked only for its form here; the briefing shows a point only when
its question has a key message in that build (:func:`implications_shown`), and leaves it out
otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.evidence.data import Data
from analysis.evidence.readers import Problem
from analysis.paths import display_path

IMPLICATIONS_YAML = "implications.yaml"
MAX_IMPLICATIONS = 3  # "What this means" stays short: at most this many points


def read_implications(data: Data) -> tuple[list, list[Problem]]:
    """The entries of the data folder's implications file (none when it has none), or its problems."""
    return data.yaml_list(IMPLICATIONS_YAML, "implications")


def implications_problems(entries: list, questions: Mapping[str, Mapping], shown: str) -> list[Problem]:
    """At most :data:`MAX_IMPLICATIONS` entries, each a known ``question`` and a non-empty ``text``."""
    problems = []
    if len(entries) > MAX_IMPLICATIONS:
        problems.append(Problem(shown, None, "implications", f"{len(entries)} points; at most {MAX_IMPLICATIONS}"))
    for n, entry in enumerate(entries, start=1):
        where = f"implications[{n}]"
        if not isinstance(entry, dict):
            problems.append(Problem(shown, None, where, "not a mapping"))
            continue
        if entry.get("question") not in questions:
            problems.append(Problem(shown, None, f"{where}.question",
                                    f"unknown question {entry.get('question')!r} (allowed: {', '.join(questions)})"))
        if not str(entry.get("text") or "").strip():
            problems.append(Problem(shown, None, f"{where}.text", "has no text"))
    return problems


def implications_shown(entries: list[dict], message_questions: Sequence[str]) -> list[dict]:
    """The points whose question has a key message, in the order of the key messages, each with
    ``number``: the key message's position (from 1)."""
    position = {question: number for number, question in enumerate(message_questions, start=1)}
    shown = [dict(entry, number=position[entry["question"]]) for entry in entries if entry["question"] in position]
    return sorted(shown, key=lambda entry: entry["number"])


def check_implications(data: Data) -> list[Problem]:
    """Problems of ``implications.yaml`` against the question frame (none without the file, or
    when the vocabulary is broken: its own check reports that)."""
    from analysis.evidence.readers import DataValidationError
    from analysis.evidence.vocabulary import load_vocabulary

    entries, problems = read_implications(data)
    if problems or not entries:
        return problems
    try:
        questions = load_vocabulary(data).questions
    except DataValidationError:
        return []
    return implications_problems(entries, questions, display_path(data.file(IMPLICATIONS_YAML)))
