"""Suggested codes: a second reader that ranks the codes a statement is likely to carry.

A model trained on the consensus coding ranks every code of the codebook for each statement
and, where the statement's section does not fix its function (``data/vocabulary.yaml``), the
statement functions. Suggestions are a coder of their own, :data:`SUGGESTED`, kept in
``<data folder>/suggestions/`` apart from ``coding.csv``: nothing that counts reads them. A
reviewer accepts or rejects them (``python -m analysis suggest accept``, or a QDA program and
``qda merge``), and only what a person accepted becomes coding.

The model, :data:`MODEL_NAME` version :data:`MODEL_VERSION` (bump it when any of this changes):

- features: TF-IDF of character 2- to 5-grams inside words (sublinear term frequency), which
  match word stems and spellings across sources;
- codes: one logistic regression per code (one-vs-rest; liblinear solving the dual problem,
  faster when features outnumber statements; ``C`` = 10; classes balanced), so each code's
  score, from 0 to 1, says how likely the statement is to carry it (higher, likelier; not a
  calibrated probability, since classes are balanced); a code no training statement carries
  scores 0;
- statement functions: the same features and classifier, one function per statement;
- proposed (what a QDA program is sent, and what the evaluation scores as the model's coding):
  the top code, and the next ranks up to :data:`TOP` that score at least
  :data:`PROPOSE_SCORE` (the classifier's own "present"); the top function.

The same seed and training data give the same suggestions, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_pipeline

MODEL_NAME = "tfidf-char-logistic-regression"
MODEL_VERSION = "1"
SUGGESTED = "suggested"  # the coder name of every suggestion
CODE, FUNCTION = "code", "statement_function"  # the kinds of suggestion
TOP = 3
PROPOSE_SCORE = 0.5
SUGGESTION_COLUMNS = ("contribution_id", "kind", "rank", "code_id", "score", "proposed", "coder", "text", "decision", "memo")


def features() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)


def classifier(seed: int) -> OneVsRestClassifier:
    return OneVsRestClassifier(LogisticRegression(C=10, solver="liblinear", dual=True, class_weight="balanced", random_state=seed))


@dataclass(frozen=True)
class Suggester:
    """A fitted model: the codes and functions it ranks and a pipeline for each (``None``
    when there was nothing to learn functions from)."""

    codes: tuple[str, ...]
    code_model: Pipeline
    learned: np.ndarray  # which of ``codes`` some training statement carries
    functions: tuple[str, ...]
    function_model: Pipeline | DummyClassifier | None  # a classifier of one function when only one was coded


def consensus_table(contributions: pd.DataFrame, coding: pd.DataFrame, codes: Sequence[str],
                    functions: Sequence[str], section_function: Mapping[str, str | None]) -> pd.DataFrame:
    """One row per contribution with consensus coding (in ``contributions`` order):
    contribution_id, source_id, section, text, ``codes`` (a tuple, codebook order) and
    ``function`` (the coded function; '' where the section fixes it). ``coding`` is the
    consensus rows."""
    order = {code: n for n, code in enumerate(codes)}
    topic = coding[coding["code_id"].isin(order)]
    codes_of = topic.groupby("contribution_id")["code_id"].agg(lambda c: tuple(sorted(set(c), key=order.get)))
    function_of = coding[coding["code_id"].isin(functions)].groupby("contribution_id")["code_id"].first()
    table = contributions.loc[contributions["contribution_id"].isin(coding["contribution_id"]),
                              ["contribution_id", "source_id", "section", "text"]].reset_index(drop=True)
    coded = table["section"].map(section_function).isna()
    return table.assign(codes=table["contribution_id"].map(codes_of).map(lambda c: c if isinstance(c, tuple) else ()),
                        function=table["contribution_id"].map(function_of).fillna("").where(coded, ""))


def training_sha256(training: pd.DataFrame) -> str:
    """sha256 of what a model learns from: each statement's id, text, codes and function."""
    records = [[row.contribution_id, row.text, list(row.codes), row.function]
               for row in training.sort_values("contribution_id").itertuples()]
    return hashlib.sha256(json.dumps(records, ensure_ascii=False).encode("utf-8")).hexdigest()


def fit(training: pd.DataFrame, codes: Sequence[str], functions: Sequence[str], seed: int) -> Suggester:
    """The model of this module fitted to ``training`` (:func:`consensus_table` rows).
    Raises ValueError when there is nothing to learn from."""
    if training.empty:
        raise ValueError("no statement has consensus coding to learn from")
    codes = tuple(codes)
    carried = np.array([[code in row for code in codes] for row in training["codes"]], dtype=bool).reshape(len(training), len(codes))
    learned = carried.any(axis=0)
    if not learned.any():
        raise ValueError("no consensus statement carries a code of the codebook")
    code_model = make_pipeline(features(), classifier(seed))
    with warnings.catch_warnings():  # a code every training statement carries is learned as always present
        warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
        code_model.fit(training["text"].to_list(), carried[:, learned].astype(int))
    coded = training[training["function"] != ""]
    function_model = None
    if len(coded):
        function_model = (make_pipeline(features(), classifier(seed))
                          if coded["function"].nunique() > 1 else DummyClassifier(strategy="prior"))
        function_model.fit(coded["text"].to_list(), coded["function"].to_list())
    return Suggester(codes, code_model, learned, tuple(functions), function_model)


def code_scores(suggester: Suggester, texts: Sequence[str]) -> np.ndarray:
    """Each statement's score for each code (statements x ``suggester.codes``)."""
    scores = np.zeros((len(texts), len(suggester.codes)))
    if len(texts):
        chances = suggester.code_model.predict_proba(list(texts))
        scores[:, suggester.learned] = chances[:, -int(suggester.learned.sum()):]  # one code learned: (absent, present)
    return scores


def function_scores(suggester: Suggester, texts: Sequence[str]) -> np.ndarray:
    """Each statement's score for each function (statements x ``suggester.functions``);
    zeros without a function model."""
    scores = np.zeros((len(texts), len(suggester.functions)))
    if suggester.function_model is not None and len(texts):
        column = [suggester.functions.index(f) for f in suggester.function_model.classes_]
        scores[:, column] = suggester.function_model.predict_proba(list(texts))
    return scores


def ranked(ids: Sequence[str], scores: np.ndarray, labels: Sequence[str], top: int, kind: str) -> pd.DataFrame:
    """The ``top`` labels of each statement by score (ties in ``labels`` order; below the first,
    only labels that score above 0): columns contribution_id, kind, rank (from 1), code_id,
    score (to three places, as shown and as proposed) and proposed (:func:`proposed`)."""
    top = min(top, len(labels))
    order = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    best = np.take_along_axis(scores, order, axis=1)
    frame = pd.DataFrame({
        "contribution_id": np.repeat(np.asarray(ids, dtype=object), top),
        "kind": kind,
        "rank": np.tile(np.arange(1, top + 1), len(ids)),
        "code_id": np.asarray(labels, dtype=object)[order.ravel()] if len(ids) else np.array([], dtype=object),
        "score": best.ravel().round(3),
    })
    frame = frame[(frame["score"] > 0) | (frame["rank"] == 1)]  # a label no training statement carries is no suggestion
    return frame.assign(proposed=proposed(frame))


def proposed(ranks: pd.DataFrame) -> pd.Series:
    """Whether each ranked suggestion is proposed: the top one of its statement and kind, and
    a code further down that scores at least :data:`PROPOSE_SCORE`."""
    return (ranks["rank"] == 1) | ((ranks["kind"] == CODE) & (ranks["score"] >= PROPOSE_SCORE))


def suggest(suggester: Suggester, targets: pd.DataFrame, section_function: Mapping[str, str | None],
            top: int = TOP) -> pd.DataFrame:
    """Ranked suggestions for ``targets`` (contribution_id, section, text): the top codes of
    every statement, and the top functions of those whose section does not fix one; columns
    :data:`SUGGESTION_COLUMNS`, decision and memo empty."""
    ids, texts = targets["contribution_id"].to_list(), targets["text"].to_list()
    codes = ranked(ids, code_scores(suggester, texts), suggester.codes, top, CODE)
    coded = targets["section"].map(section_function).isna().to_numpy()
    parts = [codes]
    if suggester.function_model is not None and coded.any():
        chosen = [t for t, c in zip(texts, coded) if c]
        parts.append(ranked(targets["contribution_id"][coded].to_list(), function_scores(suggester, chosen),
                            suggester.functions, top, FUNCTION))
    order = {cid: n for n, cid in enumerate(ids)}
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.iloc[np.lexsort((rows["rank"], rows["kind"] != CODE, rows["contribution_id"].map(order)))]
    return rows.assign(coder=SUGGESTED,
                       text=rows["contribution_id"].map(dict(zip(ids, texts))), decision="", memo="")[list(SUGGESTION_COLUMNS)].reset_index(drop=True)
