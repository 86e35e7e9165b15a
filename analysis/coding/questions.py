"""The question frame: which common question each statement answers, in which role, by whom.

The documents answer a few common questions (``data/vocabulary.yaml``, ``questions``): the
future hoped for, what stands in the way, what is needed, what should be done, what works
now. A statement answers a question through its statement function (fixed by its section's
heading, or coded where the heading does not fix it); an observation answers none. Its role
is its section's ``speaker_role``: ``voice`` when a group speaks for itself, ``subject`` when a
document writes about a group. Every comparison and every finding is made within one question
and one role; a pooled view is context, never a finding.

The analyst's synthesis (``data/synthesis.yaml``) says, for a question and a code, what the
groups said, each sentence citing the statements it rests on; :func:`check_synthesis` refuses
a sentence that cites none, or cites one that does not answer that question or does not carry
that code in the consensus.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.evidence.data import Data
from analysis.evidence.readers import Problem
from analysis.paths import display_path

SYNTHESIS_YAML = "synthesis.yaml"
NO_QUESTION = ""  # an observation: context, never counted within a question


def question_of_function(questions: Mapping[str, Mapping]) -> dict[str, str]:
    """Statement function -> the question it answers."""
    return {str(entry["statement_function"]): str(question) for question, entry in questions.items()}


def speakers(contributions: pd.DataFrame) -> pd.Series:
    """Each contribution's speaker (index contribution_id): its speaker group, or for a group
    made of several numbered groups, the numbered group (``mixed/mixed_3``)."""
    frame = contributions.set_index("contribution_id")
    mixed = frame["mixed_group"].fillna("").astype(str) if "mixed_group" in frame else pd.Series("", index=frame.index)
    group = frame["speaker_group"].astype(str)
    return group.where(mixed == "", group + "/" + mixed).rename("speaker")


def question_frame(contributions: pd.DataFrame, functions: pd.Series, questions: Mapping[str, Mapping],
                   roles: Mapping[str, str]) -> pd.DataFrame:
    """One row per contribution (index contribution_id): ``question`` (empty for an
    observation or a statement without a function), ``role``, ``speaker``, ``speaker_group``,
    ``source_set``, ``source_id`` and ``section``. ``functions`` is each contribution's
    statement function (index contribution_id); ``roles`` each section's speaker role."""
    frame = contributions.set_index("contribution_id")
    by_function = question_of_function(questions)
    question = functions.reindex(frame.index).map(by_function).fillna(NO_QUESTION)
    columns = [c for c in ("speaker_group", "source_set", "source_id", "section", "subject_group") if c in frame.columns]
    return frame[columns].assign(question=question, role=frame["section"].map(roles), speaker=speakers(contributions))


def cued(frame: pd.DataFrame, sections: Mapping[str, Mapping], subject_groups: Mapping[str, Mapping], codes: list[str]) -> pd.DataFrame:
    """0/1 contributions x ``codes``: 1 where the contribution's section prompt, or the group its
    statement is addressed to, names the code (``cued_codes``): a count of it there is true by
    construction."""
    table = pd.DataFrame(0, index=frame.index, columns=codes)
    for section, entry in sections.items():
        for code in entry.get("cued_codes", []) or []:
            if code in table.columns:
                table.loc[frame["section"] == section, code] = 1
    if "subject_group" in frame.columns:
        for group, entry in subject_groups.items():
            for code in entry.get("cued_codes", []) or []:
                if code in table.columns:
                    table.loc[frame["subject_group"] == group, code] = 1
    return table


def read_synthesis(data: Data) -> tuple[list[dict], list[Problem]]:
    """The synthesis entries of the data folder (none when it has no synthesis file)."""
    return data.yaml_list(SYNTHESIS_YAML, "synthesis")


def synthesis_problems(entries: list, frame: pd.DataFrame, consensus_codes: Mapping[str, set[str]],
                       questions: Mapping[str, Mapping], shown: str) -> list[Problem]:
    """Each entry needs a known question, a code, and sentences; each sentence a text and the
    contribution ids it rests on, every one answering that question and carrying that code."""
    problems = []
    for n, entry in enumerate(entries, start=1):
        where = f"synthesis[{n}]"
        if not isinstance(entry, dict):
            problems.append(Problem(shown, None, where, "not a mapping"))
            continue
        question, code = entry.get("question"), entry.get("code")
        if question not in questions:
            problems.append(Problem(shown, None, f"{where}.question", f"unknown question {question!r} (allowed: {', '.join(questions)})"))
            continue
        sentences = entry.get("sentences")
        if not isinstance(sentences, list) or not sentences:
            problems.append(Problem(shown, None, f"{where}.sentences", "missing or empty"))
            continue
        for k, sentence in enumerate(sentences, start=1):
            at = f"{where}.sentences[{k}]"
            cites = sentence.get("cites") if isinstance(sentence, dict) else None
            if not isinstance(sentence, dict) or not str(sentence.get("text", "")).strip():
                problems.append(Problem(shown, None, at, "has no text"))
            elif not isinstance(cites, list) or not cites:
                problems.append(Problem(shown, None, f"{at}.cites", "cites no contribution: every sentence rests on statements"))
            else:
                for cid in cites:
                    if cid not in frame.index:
                        problems.append(Problem(shown, None, f"{at}.cites", f"unknown contribution {cid!r}"))
                    elif frame.loc[cid, "question"] != question:
                        problems.append(Problem(shown, None, f"{at}.cites", f"{cid} does not answer {question!r}"))
                    elif code not in consensus_codes.get(cid, set()):
                        problems.append(Problem(shown, None, f"{at}.cites", f"{cid} does not carry {code!r} in the consensus"))
    return problems


def check_synthesis(data: Data) -> list[Problem]:
    """Problems of ``synthesis.yaml`` against the question frame and the consensus coding
    (none when the data folder has no synthesis, or when the files it rests on are broken:
    their own checks report that)."""
    from analysis.coding.codebook import CODEBOOK_YAML
    from analysis.coding.coding_table import CODING_CSV
    from analysis.evidence.validate import CONTRIBUTIONS_CSV
    from analysis.evidence.vocabulary import CONSENSUS
    from analysis.coding.functions import read_section_functions, statement_function_ids
    from analysis.evidence.readers import DataValidationError
    from analysis.evidence.vocabulary import load_vocabulary

    entries, problems = read_synthesis(data)
    if problems or not entries:
        return problems
    try:
        vocabulary = load_vocabulary(data)
    except DataValidationError:
        return []
    codebook, _ = data.yaml(CODEBOOK_YAML)
    contributions = data.table(CONTRIBUTIONS_CSV)
    coding = data.table(CODING_CSV, ["contribution_id", "code_id", "coder"])
    if codebook is None or contributions is None or coding is None:
        return []
    consensus = coding[coding["coder"] == CONSENSUS]
    function_ids = statement_function_ids(codebook)
    functions = statement_function_series(contributions, consensus, read_section_functions(data), function_ids)
    roles = {section: entry["speaker_role"] for section, entry in vocabulary.sections.items()}
    frame = question_frame(contributions, functions, vocabulary.questions, roles)
    codes = consensus[~consensus["code_id"].isin(function_ids)].groupby("contribution_id")["code_id"].agg(set).to_dict()
    return synthesis_problems(entries, frame, codes, vocabulary.questions, display_path(data.file(SYNTHESIS_YAML)))


def statement_function_series(contributions: pd.DataFrame, consensus: pd.DataFrame, section_function: Mapping[str, str | None],
                              function_ids: list[str]) -> pd.Series:
    """Each contribution's statement function (index contribution_id): its section's, else its coded one ('' if none)."""
    coded = consensus[consensus["code_id"].isin(function_ids)].drop_duplicates("contribution_id").set_index("contribution_id")["code_id"]
    fixed = contributions["section"].map(section_function)
    ids = contributions["contribution_id"]
    return pd.Series(fixed.where(fixed.notna(), ids.map(coded)).fillna("").to_numpy(), index=ids.to_numpy(), name="statement_function")
