"""Findings as claims: each evaluated by one function on the baseline and on every alternative view.

A claim is made within one question of the frame and one speaker role (like with like). Its
result (the leader, the effect, the counts and the statements behind them) comes from
:func:`evaluate`, the same function for the baseline and for every check, so the briefing, the
robustness grid and the key messages show one result. A check is a view of the same evidence
with one choice changed (:data:`CHECKS`); it is *inert* for a claim when it leaves every score
the claim rests on unchanged, so it could not have changed the claim. A claim holds under a
check when the view keeps its leader and at least :data:`HOLD_SHARE` of its effect; it is
robust when at least :data:`MIN_LIVE_CHECKS` checks that could have changed it were applied and
it held under all of them, the two that move it most combined included. A view that leaves
fewer than :data:`MIN_SPEAKERS` speakers on a side does not apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

#: A claim holds when a view keeps its leader and at least this share of its effect (the lead
#: over the runner-up, or the difference between two sides): half, so that a choice which
#: halves the effect is reported as weakening it rather than passed as noise.
HOLD_SHARE = 0.5
#: A claim is robust only when at least this many checks that could have changed it were applied.
MIN_LIVE_CHECKS = 3
#: A claim is made about a set of statements from at least this many speakers (on each side); a view
#: that leaves fewer does not apply to it, as one speaker's words cannot show what speakers lead with.
MIN_SPEAKERS = 2
#: Frame columns marking what data/robustness.yaml names: speaker groups made of people who speak
#: in other groups too, and contributions whose speaker is attributed by judgement.
DERIVED, UNCERTAIN = "derived_group", "uncertain_speaker"
HOLDS, WEAKENS, REVERSES, INERT, NOT_APPLICABLE = "holds", "weakens", "reverses", "inert", "does not apply"


@dataclass(frozen=True)
class View:
    """One way of reading the evidence: whose coding, codes or themes, how statements are weighed
    and counted, whether codes the prompt names are kept, and what is left out."""

    coder: str = "consensus"
    level: str = "code"
    weighting: str = "statement"  # or "speaker": each speaker weighs the same
    denominator: str = "statements"  # or "codings"
    drop_cued: bool = False
    leave_out: tuple[tuple[str, str], ...] = ()  # (frame column, value) pairs left out


@dataclass(frozen=True)
class Check:
    """A named alternative view (``leave_out_column``: one view per value of that column, left out in turn)."""

    key: str
    label: str
    view: View = View()
    leave_out_column: str = ""


@dataclass(frozen=True)
class Evidence:
    """What claims are evaluated on: the question frame (index contribution_id; question, role,
    speaker, speaker_group, source_set, ...), the 0/1 presence of codes (contributions x codes) in
    the consensus and, where the data hold them, the first coder's and the whole-corpus second
    coder's codings (keys ``consensus``, ``first``, ``second``), each code's theme, and which codes
    each statement's prompt names (0/1, same shape)."""

    frame: pd.DataFrame
    presence: Mapping[str, pd.DataFrame]
    theme_of: Mapping[str, str]
    cued: pd.DataFrame


@dataclass(frozen=True)
class Claim:
    """"Within ``question`` and ``role`` (and ``scope``: frame column and values, if any), ``leader``
    is raised most" (kind ``leading``), or "``item`` is raised more by ``side_a`` than ``side_b``"
    (kind ``difference``, sides being values of ``side_column``)."""

    key: str
    kind: str
    question: str
    role: str = "voice"
    scope: tuple[str, str] = ()  # (frame column, value): only these statements, e.g. one source set
    drop_cued: bool = False
    item: str = ""
    side_column: str = "source_set"
    side_a: str = ""
    side_b: str = ""


@dataclass(frozen=True)
class Result:
    """A claim evaluated on one view: leaders (or the item), the effect, the scores it rests on,
    and the counts behind the first leader (statements carrying it, statements, speakers raising
    it, speakers), with the ids of the statements carrying it."""

    leaders: tuple[str, ...]
    effect: float
    scores: tuple[float, ...]
    n: int
    denominator: int
    reach: int
    speakers: int
    ids: tuple[str, ...]


CHECKS: tuple[Check, ...] = (
    Check("speaker", "each speaker weighted equally", View(weighting="speaker")),
    Check("codings", "codings, not statements, as the denominator", View(denominator="codings")),
    Check("theme", "themes rather than codes", View(level="theme")),
    Check("no_cued", "without codes the section's prompt or addressee names", View(drop_cued=True)),
    Check("first_coder", "the first coder's own coding", View(coder="first")),
    Check("second_coder", "the whole-corpus second coder's coding", View(coder="second")),
    Check("document_out", "each document left out in turn", leave_out_column="source_id"),
    Check("group_out", "each speaker group left out in turn", leave_out_column="speaker_group"),
    Check("derived_out", "without the groups made of people who also speak in other groups", View(leave_out=((DERIVED, True),))),
    Check("uncertain_out", "without the statements whose speaker is attributed by judgement", View(leave_out=((UNCERTAIN, True),))),
)


def own_side(claim: Claim) -> tuple[str, str]:
    """The (frame column, value) of the statements a claim is about: its scope, or its first side."""
    return claim.scope if claim.kind == "leading" else (claim.side_column, claim.side_a)


def _rows(evidence: Evidence, claim: Claim, view: View) -> pd.Index:
    frame = evidence.frame
    keep = (frame["question"] == claim.question) & (frame["role"] == claim.role)
    if claim.scope:
        keep &= frame[claim.scope[0]] == claim.scope[1]
    for column, value in view.leave_out:
        if column in frame.columns:  # a frame without the column has nothing of that kind to leave out
            keep &= frame[column] != value
    return frame.index[keep.to_numpy()]


def _presence(evidence: Evidence, claim: Claim, view: View, rows: pd.Index) -> pd.DataFrame:
    table = evidence.presence[view.coder].reindex(rows).fillna(0)
    if view.drop_cued or claim.drop_cued:
        table = table * (1 - evidence.cued.reindex(index=rows, columns=table.columns).fillna(0))
    if view.level == "theme":
        table = table.T.groupby(lambda code: evidence.theme_of.get(code, code)).max().T
    return table


def _scores(table: pd.DataFrame, speakers: pd.Series, view: View) -> pd.Series:
    """Each item's score: its share of statements (or of codings), or the mean over speakers of
    each speaker's share."""
    if table.empty:
        return pd.Series(0.0, index=table.columns)
    if view.denominator == "codings":
        total = table.to_numpy().sum()
        return table.sum() / total if total else table.sum() * 0.0
    if view.weighting == "speaker":
        return table.groupby(speakers.reindex(table.index).to_numpy()).mean().mean()
    return table.mean()


def _item(claim_item: str, evidence: Evidence, view: View) -> str:
    return evidence.theme_of.get(claim_item, claim_item) if view.level == "theme" else claim_item


def evaluate(claim: Claim, evidence: Evidence, view: View = View()) -> Result | None:
    """The claim on one view; None when the view leaves nothing to evaluate (no statement, no
    side, no code raised, or a coder the data do not hold)."""
    if view.coder not in evidence.presence:
        return None
    rows = _rows(evidence, claim, view)
    table = _presence(evidence, claim, view, rows)
    speakers = evidence.frame["speaker"]
    if claim.kind == "leading":
        if table.empty or table.to_numpy().sum() == 0 or speakers.reindex(table.index).nunique() < MIN_SPEAKERS:
            return None
        scores = _scores(table, speakers, view)
        ordered = scores.sort_values(ascending=False, kind="stable")
        leaders = tuple(ordered.index[np.isclose(ordered.to_numpy(), ordered.iloc[0])])
        second = ordered[~ordered.index.isin(leaders)]
        effect = float(ordered.iloc[0] - (second.iloc[0] if len(second) else 0.0))
        return _result(leaders, effect, tuple(scores.round(12)), table, leaders[0], speakers)
    side = evidence.frame.loc[rows, claim.side_column]
    item = _item(claim.item, evidence, view)
    a, b = table[(side == claim.side_a).to_numpy()], table[(side == claim.side_b).to_numpy()]
    if item not in table.columns or min(speakers.reindex(a.index).nunique(), speakers.reindex(b.index).nunique()) < MIN_SPEAKERS:
        return None
    score_a, score_b = _scores(a, speakers, view)[item], _scores(b, speakers, view)[item]
    return _result((item,), float(score_a - score_b), (round(float(score_a), 12), round(float(score_b), 12)), a, item, speakers)


def _result(leaders: tuple[str, ...], effect: float, scores: tuple, table: pd.DataFrame, item: str, speakers: pd.Series) -> Result:
    carrying = table.index[table[item].to_numpy() > 0]
    who = speakers.reindex(table.index)
    return Result(leaders, effect, scores, len(carrying), len(table), int(who.reindex(carrying).nunique()), int(who.nunique()),
                  tuple(carrying))


def verdict(claim: Claim, base: Result, other: Result | None, evidence: Evidence, view: View, inert: bool) -> str:
    """How the claim fares on a view (see the module docstring)."""
    if inert:
        return INERT
    if other is None:
        return NOT_APPLICABLE
    if claim.kind == "difference":
        if np.sign(other.effect) != np.sign(base.effect) and other.effect != 0:
            return REVERSES
        return HOLDS if abs(other.effect) >= HOLD_SHARE * abs(base.effect) and other.effect != 0 else WEAKENS
    expected = {_item(leader, evidence, view) for leader in base.leaders}
    if not expected & set(other.leaders):
        return REVERSES
    same = set(other.leaders) == expected or (len(base.leaders) > 1 and set(other.leaders) <= expected)
    return HOLDS if same and other.effect >= HOLD_SHARE * base.effect else WEAKENS


def _is_inert(base: Result, other: Result | None, view: View) -> bool:
    """A view that leaves every score of the claim (and the statements they rest on) unchanged."""
    return other is not None and view.level == "code" and other.scores == base.scores and other.denominator == base.denominator and other.ids == base.ids


def check_views(check: Check, evidence: Evidence, claim: Claim) -> list[View]:
    """The views a check applies: one, or one per value of its leave-out column among the claim's statements."""
    if not check.leave_out_column:
        return [check.view]
    rows = _rows(evidence, claim, View())
    values = sorted(evidence.frame.loc[rows, check.leave_out_column].dropna().unique())
    return [replace(check.view, leave_out=((check.leave_out_column, value),)) for value in values]


def _worst(verdicts: Sequence[str]) -> str:
    for verdict_ in (REVERSES, WEAKENS, HOLDS, NOT_APPLICABLE, INERT):
        if verdict_ in verdicts:
            return verdict_
    return INERT


def grid(claim: Claim, evidence: Evidence, checks: Sequence[Check] = CHECKS) -> pd.DataFrame:
    """The claim under every check (a leave-out check by its worst case), then the two checks
    that move its effect most, combined: one row per check with ``check``, ``label``,
    ``verdict``, ``effect`` (the lowest over the check's views) and ``baseline_effect``."""
    base = evaluate(claim, evidence)
    if base is None:
        return pd.DataFrame(columns=["claim", "check", "label", "verdict", "effect", "baseline_effect"])
    rows, moved = [], []
    for check in checks:
        results = []
        for view in check_views(check, evidence, claim):
            if view.coder not in evidence.presence:
                results.append((NOT_APPLICABLE, None, view))
                continue
            other = evaluate(claim, evidence, view)
            inert = _is_inert(base, other, view)
            results.append((verdict(claim, base, other, evidence, view, inert), other, view))
        found = _worst([r[0] for r in results]) if results else INERT
        effects = [r[1].effect for r in results if r[1] is not None and r[0] != INERT]
        effect = min(effects, key=abs) if effects else base.effect
        rows.append({"check": check.key, "label": check.label, "verdict": found, "effect": effect})
        if found not in (INERT, NOT_APPLICABLE) and not check.leave_out_column:
            moved.append((abs(effect) if found != REVERSES else -1.0, check))
    if len(moved) >= 2:
        (_, first), (_, second) = sorted(moved, key=lambda m: m[0])[:2]
        combined = _combine(first.view, second.view)
        other = evaluate(claim, evidence, combined)
        rows.append({"check": f"{first.key}+{second.key}", "label": f"{first.label}, and {second.label}",
                     "verdict": verdict(claim, base, other, evidence, combined, _is_inert(base, other, combined)),
                     "effect": other.effect if other is not None else np.nan})
    return pd.DataFrame(rows).assign(claim=claim.key, baseline_effect=base.effect)[["claim", "check", "label", "verdict", "effect", "baseline_effect"]]


def _combine(first: View, second: View) -> View:
    """Two views' changed choices together."""
    default = View()
    fields = {name: getattr(second, name) if getattr(second, name) != getattr(default, name) else getattr(first, name)
              for name in View.__dataclass_fields__}
    return View(**fields)


def is_robust(rows: pd.DataFrame) -> bool:
    """Robust: at least :data:`MIN_LIVE_CHECKS` checks that could have changed it, all holding."""
    live = rows[~rows["verdict"].isin([INERT, NOT_APPLICABLE])]
    return len(live) >= MIN_LIVE_CHECKS and (live["verdict"] == HOLDS).all()


def by_construction(claim: Claim, result: Result, evidence: Evidence) -> bool:
    """True when a leader of the claim is named by the prompt (or addressee) of most of the
    statements carrying it: its lead is then true by the way the document was laid out."""
    rows = _rows(evidence, claim, View())
    presence = evidence.presence["consensus"].reindex(rows).fillna(0)
    for item in result.leaders:
        if item in evidence.cued.columns:
            carrying = rows[presence[item].to_numpy() > 0]
            if len(carrying) and evidence.cued.loc[carrying, item].mean() > 0.5:
                return True
    return False


# --- the registry: which claims the briefing makes --------------------------------------------


def evidence_from(contributions: pd.DataFrame, coding: pd.DataFrame, codebook: Mapping, questions: Mapping, sections: Mapping,
                  subject_groups: Mapping, functions: pd.Series, coders: Mapping[str, str],
                  derived_groups: Sequence[str] = (), uncertain: Sequence[str] = ()) -> Evidence:
    """The evidence claims are evaluated on: the question frame of ``contributions`` (by each one's
    statement function, ``functions``), the presence of the counted codes in each of ``coders``
    (``consensus``, ``first``, ``second`` -> a coder in coding.csv; one without rows is left out),
    each code's theme, and which codes each statement's prompt or addressee names. The frame
    marks the speakers of ``derived_groups`` and the ``uncertain`` contributions (:data:`DERIVED`,
    :data:`UNCERTAIN`), which two checks leave out."""
    from analysis.coding.questions import cued, question_frame
    from analysis.compare.comparisons import presence_matrix

    frame = question_frame(contributions, functions, questions, {s: e["speaker_role"] for s, e in sections.items()})
    frame = frame.assign(**{DERIVED: frame["speaker_group"].isin(list(derived_groups)), UNCERTAIN: frame.index.isin(list(uncertain))})
    code_ids = [str(c["id"]) for c in codebook["codes"]]
    rows = coding[coding["code_id"].isin(code_ids)]
    presence = {role: presence_matrix(contributions, rows, dict(codebook), "code", coder)
                for role, coder in coders.items() if coder and (rows["coder"] == coder).any()}
    codes = list(presence["consensus"].columns)
    return Evidence(frame, presence, {str(c["id"]): str(c["theme"]) for c in codebook["codes"]},
                    cued(frame, sections, subject_groups, codes))


def study_evidence(study) -> Evidence:
    """The evidence of a study (:func:`evidence_from`): statement functions as counted (coded ones
    only while their reliability test passes), the first coder, and the current test's second
    coder when that test covers every contribution."""
    from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
    from analysis.coding.functions import read_section_functions, statement_function_ids
    from analysis.coding.questions import statement_function_series
    from analysis.coding.reliability_tables import STATUS_NOT_COUNTED, coded_function_status, whole_corpus_coder
    from analysis.evidence.robustness import load_settings
    from analysis.evidence.loaders import load_groups

    consensus = study.coding[study.coding["coder"] == CONSENSUS]
    section_function = read_section_functions(study.data)
    functions = statement_function_series(study.contributions, consensus, section_function, statement_function_ids(study.codebook))
    if coded_function_status(study.data, study.coding, study.contributions, study.codebook) == STATUS_NOT_COUNTED:
        fixed = study.contributions["section"].map(section_function).notna().to_numpy()
        functions = functions.where(fixed, "")
    coders = {"consensus": CONSENSUS, "first": FIRST_CODER, "second": whole_corpus_coder(study.data, study.contributions)}
    settings = load_settings(study.data)
    return evidence_from(study.contributions, study.coding, study.codebook, study.vocabulary.questions, study.vocabulary.sections,
                         load_groups(study.data).get("subject_groups", {}), functions, coders,
                         settings.derived_groups, settings.uncertain)


def speakers_in(evidence: Evidence, question: str, role: str, column: str, value: str) -> int:
    """How many speakers answer ``question`` in ``role`` where ``column`` is ``value``."""
    frame = evidence.frame
    rows = frame[(frame["question"] == question) & (frame["role"] == role) & (frame[column] == value)]
    return int(rows["speaker"].nunique())


def candidate_claims(evidence: Evidence, questions: Sequence[str], role: str = "voice") -> list[Claim]:
    """Every claim the briefing considers, within one question and role: in each source set with at
    least :data:`MIN_SPEAKERS` speakers, which code leads (and, where that lead is true by
    construction, which leads among the codes the prompt does not name); between two such source
    sets, whether each one's leader is raised more there than in the other."""
    claims = []
    for question in questions:
        sets = [s for s in pd.unique(evidence.frame["source_set"]) if speakers_in(evidence, question, role, "source_set", s) >= MIN_SPEAKERS]
        leaders = {}
        for source_set in sets:
            claim = Claim(f"{question}: leads in {source_set}", "leading", question, role, ("source_set", source_set))
            result = evaluate(claim, evidence)
            if result is None:
                continue
            if by_construction(claim, result, evidence):
                claims.append(claim)
                claim = replace(claim, key=f"{claim.key}, prompt's codes aside", drop_cued=True)
                result = evaluate(claim, evidence)
                if result is None:
                    continue
            claims.append(claim)
            leaders[source_set] = result.leaders
        for a in sets:
            for b in sets:
                if a != b and len(leaders.get(a, ())) == 1:
                    claims.append(Claim(f"{question}: {leaders[a][0]} more in {a} than {b}", "difference", question, role,
                                        item=leaders[a][0], side_a=a, side_b=b))
    return claims


def registry(evidence: Evidence, claims: Sequence[Claim]) -> pd.DataFrame:
    """Every claim with its baseline result, its robustness and whether it is true by
    construction: one row per claim (the grid rows are in :func:`grids`)."""
    rows = []
    for claim in claims:
        result = evaluate(claim, evidence)
        if result is None:
            continue
        checks = grid(claim, evidence)
        live = checks[~checks["verdict"].isin([INERT, NOT_APPLICABLE])]
        rows.append({"claim": claim.key, "kind": claim.kind, "question": claim.question, "role": claim.role,
                     "scope": claim.scope[1] if claim.scope else "", "side_a": claim.side_a, "side_b": claim.side_b,
                     "prompt_codes_aside": claim.drop_cued,
                     "leaders": "; ".join(result.leaders), "effect": result.effect, "n": result.n, "denominator": result.denominator,
                     "reach": result.reach, "speakers": result.speakers, "by_construction": by_construction(claim, result, evidence),
                     "robust": is_robust(checks), "checks_applied": " ".join(live["check"]),
                     "checks_inert": " ".join(checks.loc[checks["verdict"].isin([INERT, NOT_APPLICABLE]), "check"]),
                     "evidence_ids": " ".join(result.ids)})
    return pd.DataFrame(rows)


def grids(evidence: Evidence, claims: Sequence[Claim]) -> pd.DataFrame:
    """The robustness grid of every claim, stacked."""
    parts = [grid(claim, evidence) for claim in claims]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def question_table(evidence: Evidence, question: str, role: str = "voice", top: int = 3) -> pd.DataFrame:
    """The codes that lead one question in one role: each source set's ``top`` codes (most
    speakers raising them, then most statements, then codebook order), and for each of them and
    each source set the statements carrying it (``n``), the statements answering the question
    (``denominator``), the speakers raising it (``reach``) and the speakers answering (``speakers``)."""
    frame = evidence.frame
    rows = frame[(frame["question"] == question) & (frame["role"] == role)]
    if rows.empty:
        return pd.DataFrame(columns=["code_id", "source_set", "n", "denominator", "reach", "speakers"])
    presence = evidence.presence["consensus"].reindex(rows.index).fillna(0)
    groups = list(rows.groupby("source_set", sort=False))
    leading: list[str] = []
    for _, members in groups:
        here = presence.loc[members.index]
        rank = pd.DataFrame({"reach": here.groupby(members["speaker"].to_numpy()).max().sum(), "n": here.sum(),
                             "position": range(here.shape[1])}).query("n > 0")
        leading += [c for c in rank.sort_values(["reach", "n", "position"], ascending=[False, False, True]).index[:top] if c not in leading]
    parts = []
    for source_set, members in groups:
        here = presence.loc[members.index, leading]
        parts.append(pd.DataFrame({"code_id": leading, "source_set": source_set, "n": here.sum().astype(int).to_numpy(),
                                   "denominator": len(members), "reach": here.groupby(members["speaker"].to_numpy()).max().sum().astype(int).to_numpy(),
                                   "speakers": int(members["speaker"].nunique())}))
    return pd.concat(parts, ignore_index=True)
