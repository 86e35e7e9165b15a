"""What stakeholders said, question by question, and the key messages drawn from it.

Every number comes from one claim evaluated by :func:`analysis.compare.claims.evaluate`; every
sentence is written by a template (``templates/key_messages.html.j2``,
``templates/by_question.html.j2``). A key message answers one question of the frame, compares
like with like (one question, one speaker role), is robust (at least three checks that could
have changed it, all holding), is not true by construction, and quotes a speaker it is about.
The analyst's synthesis (``data/synthesis.yaml``) says what was said, shown as interpretation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis.compare import claims as cl
from analysis.compare.comparisons import typical_quote
from analysis.evidence.validate import ONE_PERSON, SPEAKER_KINDS

from analysis.report.markup import names, phrase

MAX_MESSAGES = 5
MAX_CLAIMS_PER_MESSAGE = 2


@dataclass(frozen=True)
class Quote:
    """A verbatim statement and who said it, where and when."""

    contribution_id: str
    text: str
    speaker: str
    document: str
    year: str


@dataclass(frozen=True)
class Said:
    """One claim's result in the words a template needs: ``kind``, the item's label, and per side
    (the claim's scope, or its two sides) its label, statements carrying the item, statements,
    speakers raising it, speakers, and a phrase saying who the speakers are."""

    key: str
    kind: str
    item: str
    item_label: str
    sides: tuple[dict, ...]
    effect: float
    low: float
    high: float
    checks_applied: tuple[str, ...]
    checks_inert: tuple[str, ...]
    evidence_ids: tuple[str, ...]


@dataclass(frozen=True)
class KeyMessage:
    """A key message: its question, its claims in words, the analysts' reading and one quote."""

    question: str
    question_label: str
    said: tuple[Said, ...]
    readings: tuple[tuple[str, tuple[str, ...]], ...]
    quote: Quote
    compared: str
    confidence: Confidence | None = None


def attributed(cid: str, contributions: pd.DataFrame, groups: Mapping, sources: pd.DataFrame) -> Quote:
    """The statement with its speaker (a group, or "one person" with their role), document and year."""
    row = contributions.set_index("contribution_id").loc[cid]
    group = groups.get(row["speaker_group"], {})
    speaker = group.get("short_label", row["speaker_group"])
    if group.get("kind") == ONE_PERSON:
        speaker = phrase("one_person", speaker=speaker)
    source = sources.set_index("source_id").loc[row["source_id"]]
    return Quote(cid, row["text"], speaker, source["title"], str(source["date"])[:4])


def _kind(speaker: str, groups: Mapping) -> str:
    """What one speaker is: a numbered group of a group of several (``mixed/mixed_3``) is a group."""
    return "group" if "/" in speaker else groups.get(speaker, {}).get("kind", "group")


def speaker_noun(frame: pd.DataFrame, groups: Mapping) -> str:
    """"groups" when every speaker of these statements is a group, else "speakers"."""
    return "groups" if all(_kind(s, groups) in ("group", "several groups") for s in frame["speaker"].unique()) else "speakers"


def dominant_speaker(frame: pd.DataFrame, groups: Mapping) -> tuple[str, int] | None:
    """The speaker who made over half of these statements, and how many, if one did (and there are several)."""
    top = frame["speaker"].value_counts()
    if len(top) > 1 and top.iloc[0] > len(frame) / 2:
        return groups.get(top.index[0].split("/")[0], {}).get("short_label", top.index[0]), int(top.iloc[0])
    return None


def speaker_kinds(frame: pd.DataFrame, groups: Mapping) -> str:
    """What a set of statements' speakers are, counted: "15 groups", "an organisation and 2 single
    people", "15 groups, an organisation and 2 single people"."""
    kinds = ["group" if _kind(s, groups) == "several groups" else _kind(s, groups) for s in frame["speaker"].unique()]
    parts = []
    for kind in sorted(set(kinds), key=lambda k: (k == ONE_PERSON, SPEAKER_KINDS.index(k))):  # single people last
        parts.append(phrase("kind_count", n=kinds.count(kind), kind=kind, single=kind == ONE_PERSON))
    return names(parts) if parts else ""


def dominance_phrase(frame: pd.DataFrame, groups: Mapping) -> str:
    """When one speaker made over half of these statements, who and how many ('' otherwise)."""
    dominant = dominant_speaker(frame, groups)
    return phrase("dominance", speaker=dominant[0], n=dominant[1], total=len(frame)) if dominant else ""


def speaker_phrase(frame: pd.DataFrame, groups: Mapping) -> str:
    """Who a set of statements' speakers are, in words (:func:`speaker_kinds`), and, when one
    speaker made over half of the statements, that they did."""
    return "; ".join(filter(None, [speaker_kinds(frame, groups), dominance_phrase(frame, groups)]))


def said(claim: cl.Claim, evidence: cl.Evidence, checks: pd.DataFrame, labels: Mapping[str, str], groups: Mapping) -> Said:
    """A claim's result in words (see :class:`Said`); the range is the effect's lowest and
    highest over the checks that could have changed it, the baseline included."""
    base = cl.evaluate(claim, evidence)
    frame = evidence.frame
    in_question = frame[(frame["question"] == claim.question) & (frame["role"] == claim.role)]
    item = base.leaders[0] if claim.kind == "leading" else claim.item
    presence = evidence.presence["consensus"]
    sides = []
    ids: list[str] = []
    side_values = [claim.scope[1]] if claim.kind == "leading" else [claim.side_a, claim.side_b]
    column = claim.scope[0] if claim.kind == "leading" else claim.side_column
    for value in side_values:
        rows = in_question[in_question[column] == value]
        carrying = rows.index[presence.reindex(rows.index).fillna(0)[item].to_numpy() > 0]
        ids += list(carrying)
        sides.append({"label": labels.get(value, value), "n": len(carrying), "denominator": len(rows),
                      "reach": int(rows.loc[carrying, "speaker"].nunique()), "speakers": int(rows["speaker"].nunique()),
                      "who": speaker_phrase(rows, groups), "noun": speaker_noun(rows, groups),
                      "dominated": dominant_speaker(rows, groups) is not None})
    live = checks[~checks["verdict"].isin([cl.INERT, cl.NOT_APPLICABLE])]
    effects = [base.effect, *live["effect"].dropna()]
    return Said(claim.key, claim.kind, item, labels.get(item, item), tuple(sides), base.effect, min(effects), max(effects),
                tuple(live["check"]), tuple(checks.loc[checks["verdict"].isin([cl.INERT, cl.NOT_APPLICABLE]), "check"]), tuple(ids))


def message_claims(registry: pd.DataFrame, claims: Sequence[cl.Claim]) -> dict[str, list[cl.Claim]]:
    """The claims that may become key messages, by question, at most :data:`MAX_CLAIMS_PER_MESSAGE`
    each: robust, not true by construction, one leader, raised by at least two speakers, and not
    saying again what another claim of the question says of the same item."""
    by_key = {claim.key: claim for claim in claims}
    eligible = registry[registry["robust"] & ~registry["by_construction"] & ~registry["leaders"].str.contains(";") & (registry["reach"] >= 2)]
    chosen: dict[str, list[cl.Claim]] = {}
    for row in eligible.sort_values(["kind", "speakers", "effect"], ascending=[False, False, False]).itertuples():
        claim = by_key[row.claim]
        taken = chosen.setdefault(row.question, [])
        items = {c.item or registry.set_index("claim").loc[c.key, "leaders"] for c in taken}
        if len(taken) < MAX_CLAIMS_PER_MESSAGE and row.leaders not in items:
            taken.append(claim)
    return chosen


def reading_for(synthesis: Sequence[Mapping], question: str, item: str) -> tuple[str, tuple[str, ...]]:
    """The analysts' first synthesis sentence for a question and code, with the statements it cites ("" when none is written)."""
    for entry in synthesis:
        if entry.get("question") == question and entry.get("code") == item:
            first = entry["sentences"][0]
            return str(first["text"]), tuple(first["cites"])
    return "", ()


def quote_for(ids: Sequence[str], presence: pd.DataFrame, contributions: pd.DataFrame) -> str:
    """The typical statement among ``ids`` (:func:`analysis.compare.comparisons.typical_quote`)."""
    texts = contributions.set_index("contribution_id")["text"]
    candidates = pd.DataFrame({"text": texts.loc[list(ids)], "n_coded": presence.reindex(list(ids)).fillna(0).sum(axis=1)})
    return typical_quote(candidates)


def key_messages(evidence: cl.Evidence, registry: pd.DataFrame, claims: Sequence[cl.Claim], grid: pd.DataFrame,
                 questions: Mapping[str, Mapping], synthesis: Sequence[Mapping], contributions: pd.DataFrame,
                 groups: Mapping, sources: pd.DataFrame, labels: Mapping[str, str],
                 statuses: Mapping[str, Mapping[str, str]] | None = None) -> list[KeyMessage]:
    """One key message per question that has a claim fit to be one (:func:`message_claims`), in
    the frame's order, at most :data:`MAX_MESSAGES`, each with its confidence rating
    (:func:`confidence`; ``statuses`` are the codes' and themes' reliability statuses)."""
    chosen = message_claims(registry, claims)
    messages = []
    for question, entry in questions.items():
        if question not in chosen:
            continue
        words = tuple(said(c, evidence, grid[grid["claim"] == c.key], labels, groups) for c in chosen[question])
        first = words[0]
        said_readings = tuple(r for r in (reading_for(synthesis, question, w.item) for w in words) if r[0])
        column, value = cl.own_side(chosen[question][0])
        side_ids = [cid for cid in first.evidence_ids if evidence.frame.loc[cid, column] == value]
        quote = attributed(quote_for(side_ids, evidence.presence["consensus"], contributions), contributions, groups, sources)
        compared = "; ".join(dict.fromkeys(side["label"] for w in words for side in w.sides))
        message = KeyMessage(question, entry["label"], words, said_readings, quote, compared)
        messages.append(replace(message, confidence=confidence(message, chosen[question], evidence, statuses or {})))
    return messages[:MAX_MESSAGES]


def messages_table(messages: Sequence[KeyMessage], texts: Sequence[str]) -> pd.DataFrame:
    """outputs/tables/key_messages.csv: each message as the briefing prints it (``texts``), its
    question, what it compares, its quote, every statement behind its numbers, and the checks."""
    return pd.DataFrame({
        "message": list(texts),
        "question": [m.question for m in messages],
        "compared": [m.compared for m in messages],
        "quote_id": [m.quote.contribution_id for m in messages],
        "evidence_ids": [" ".join(dict.fromkeys(cid for w in m.said for cid in w.evidence_ids)) for m in messages],
        "checks_applied": [" ".join(dict.fromkeys(c for w in m.said for c in w.checks_applied)) for m in messages],
        "checks_inert": [" ".join(dict.fromkeys(c for w in m.said for c in w.checks_inert)) for m in messages],
        "reading_cites": [" ".join(cid for _, cites in m.readings for cid in cites) for m in messages],
        "confidence": [m.confidence.rating if m.confidence else "" for m in messages],
    }, columns=["message", "question", "compared", "quote_id", "evidence_ids", "checks_applied", "checks_inert", "reading_cites", "confidence"])


def question_rows(table: pd.DataFrame, labels: Mapping[str, str], source_sets: Sequence[str]) -> pd.DataFrame:
    """One question's leading codes as the briefing shows them: a row per code, and per source set
    "n of d (r of s)": statements carrying it of those answering, speakers raising it of those answering."""
    shown = pd.DataFrame({"code": [labels.get(c, c) for c in dict.fromkeys(table["code_id"])]})
    for source_set in source_sets:
        part = table[table["source_set"] == source_set].set_index("code_id")
        if part.empty:
            continue
        shown[labels.get(source_set, source_set)] = [
            phrase("of_speakers", n=int(part.loc[c, "n"]), denominator=int(part.loc[c, "denominator"]),
                   reach=int(part.loc[c, "reach"]), speakers=int(part.loc[c, "speakers"]))
            for c in dict.fromkeys(table["code_id"])]
    return shown


def readings(synthesis: Sequence[Mapping], question: str, codes: Sequence[str], labels: Mapping[str, str]) -> list[dict]:
    """The analysts' synthesis of one question, for the codes shown, in their order."""
    entries = {entry["code"]: entry for entry in synthesis if entry.get("question") == question}
    return [{"label": labels.get(code, code), "sentences": entries[code]["sentences"]} for code in codes if code in entries]


def printed_messages(page: str) -> list[str]:
    """Each key message's words as the rendered page prints them (its statement, reading, quote and how sure)."""
    from lxml import html

    items = html.fragment_fromstring(str(page), create_parent="div").xpath('//li[@class="message"]')
    return [" ".join(item.text_content().split()) for item in items]


def question_quotes(evidence: cl.Evidence, table: pd.DataFrame, contributions: pd.DataFrame, groups: Mapping,
                    sources: pd.DataFrame) -> list[Quote]:
    """One attributed quote per source set: a typical statement carrying the code most of its speakers raised."""
    frame, presence = evidence.frame, evidence.presence["consensus"]
    quotes = []
    for source_set, part in table.groupby("source_set", sort=False):
        top = part[part["n"] > 0].sort_values(["reach", "n"], ascending=False, kind="stable")
        if top.empty:
            continue
        code = top["code_id"].iloc[0]
        rows = frame.index[(frame["question"] == table.attrs.get("question")) & (frame["role"] == table.attrs.get("role", "voice"))
                           & (frame["source_set"] == source_set)]
        carrying = [cid for cid in rows if presence.loc[cid, code] > 0]
        if carrying:
            quotes.append(attributed(quote_for(carrying, presence, contributions), contributions, groups, sources))
    return quotes


def question_sections(evidence: cl.Evidence, questions: Mapping[str, Mapping], synthesis: Sequence[Mapping], contributions: pd.DataFrame,
                      groups: Mapping, sources: pd.DataFrame, labels: Mapping[str, str], source_sets: Sequence[str],
                      table_html, caption_of) -> list[dict]:
    """What the by-question section shows for each question answered in the speakers' own voice:
    who answered it, its leading codes by source set (a table made by ``table_html``, captioned by
    ``caption_of`` the question's label), the
    analysts' reading of those codes and one attributed quote per source set."""
    sections = []
    for question, entry in questions.items():
        table = cl.question_table(evidence, question)
        if table.empty:
            continue
        table.attrs.update(question=question, role="voice")
        frame = evidence.frame
        rows = frame[(frame["question"] == question) & (frame["role"] == "voice")]
        codes = list(dict.fromkeys(table["code_id"]))
        shown = question_rows(table, labels, source_sets)
        sections.append({
            "id": question, "label": entry["label"], "asks": entry["asks"], "n_statements": len(rows),
            "who": speaker_phrase(rows, groups), "sets": ", ".join(labels.get(s, s) for s in dict.fromkeys(rows["source_set"])),
            "table": table_html(shown, caption_of(entry["label"]), row_headers=True),
            "readings": readings(synthesis, question, codes, labels),
            "quotes": question_quotes(evidence, table, contributions, groups, sources),
        })
    return sections


def written_about(evidence: cl.Evidence, labels: Mapping[str, str], subject_labels: Mapping[str, str]) -> dict | None:
    """The statements written about groups rather than by them (speaker role ``subject``): how
    many, about whom, and the codes they carry most; None when there are none."""
    frame = evidence.frame
    rows = frame[frame["role"] == "subject"]
    if rows.empty:
        return None
    presence = evidence.presence["consensus"].reindex(rows.index).fillna(0)
    top = presence.sum().sort_values(ascending=False, kind="stable")
    top = top[top > 0].head(3)
    return {"n": len(rows), "about": [subject_labels.get(g, g) for g in dict.fromkeys(rows["subject_group"].dropna()) if g],
            "writers": [labels.get(s, s) for s in dict.fromkeys(rows["source_set"])],
            "codes": [(labels.get(c, c), int(n)) for c, n in top.items()]}


def claims_shown(registry: pd.DataFrame, grid: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Every claim as the appendix shows it: its question and claim, its leading code(s), its
    counts, robust or not, true by construction or not, and the checks grouped by verdict."""
    verdicts = grid.groupby(["claim", "verdict"], sort=False)["check"].agg(", ".join)
    checks = [" ".join(phrase("verdict_checks", verdict=verdict, checks=verdicts[(claim, verdict)]) for verdict in (cl.HOLDS, cl.WEAKENS, cl.REVERSES, cl.INERT, cl.NOT_APPLICABLE)
                       if (claim, verdict) in verdicts.index) for claim in registry["claim"]]
    return pd.DataFrame({
        "question": registry["question"].to_numpy(),
        "claim": [phrase("leads", source_set=labels.get(s, s), aside=aside) if k == "leading"
                  else phrase("more_in", side_a=labels.get(a, a), side_b=labels.get(b, b))
                  for k, s, a, b, aside in zip(registry["kind"], registry["scope"], registry["side_a"], registry["side_b"], registry["prompt_codes_aside"])],
        "code": ["; ".join(labels.get(c, c) for c in leaders.split("; ")) for leaders in registry["leaders"]],
        "statements (speakers)": [phrase("of_speakers", n=n, denominator=d, reach=r, speakers=s) for n, d, r, s in zip(registry["n"], registry["denominator"], registry["reach"], registry["speakers"])],
        "robust": registry["robust"].map({True: "yes", False: "no"}).to_numpy(),
        "by construction": registry["by_construction"].map({True: "yes", False: "no"}).to_numpy(),
        "checks": checks,
    })


#: Confidence in a key message, modelled on GRADE-CERQual's four components: each component's
#: concern is 0 (none), 1 (minor) or 2 (serious); the rating falls one level from "high" for
#: every two points of concern, rounded up.
RATINGS = ("high", "moderate", "low", "very low")
MANY_SPEAKERS = 5  # at least this many speakers on the side a claim is about: no concern for adequacy
MANY_CHECKS = 5  # at least this many checks that could have changed it: no concern for coherence


@dataclass(frozen=True)
class Confidence:
    """A key message's rating and each component's concern (0 none, 1 minor, 2 serious)."""

    rating: str
    limitations: int
    coherence: int
    adequacy: int
    relevance: int


def concern_of_reliability(items: Sequence[str], statuses: Mapping[str, Mapping[str, str]], theme_of: Mapping[str, str]) -> int:
    """Methodological limitations: none when every code counted (and its theme) reached the reliable
    threshold in the current test; minor when one is tentative or was too rare to test."""
    from analysis.coding.reliability_tables import STATUS_COUNTED

    found = [statuses.get("codes", {}).get(item, STATUS_COUNTED) for item in items]
    found += [statuses.get("themes", {}).get(theme_of.get(item, ""), STATUS_COUNTED) for item in items]
    return 0 if all(status == STATUS_COUNTED for status in found) else 1


def confidence(message: KeyMessage, claims: Sequence[cl.Claim], evidence: cl.Evidence, statuses: Mapping[str, Mapping[str, str]]) -> Confidence:
    """The rating of one key message by the written rule (:data:`RATINGS`): reliability of the codes
    it counts, how many checks that could have changed it held, how many speakers stand behind it
    and whether one made most of its statements, and whether it compares documents of one kind."""
    limitations = concern_of_reliability([w.item for w in message.said], statuses, evidence.theme_of)
    coherence = 0 if min(len(w.checks_applied) for w in message.said) >= MANY_CHECKS else 1
    adequacy = 0
    for words in message.said:
        side = words.sides[0]
        adequacy = max(adequacy, (0 if side["speakers"] >= MANY_SPEAKERS else 1) + int(side["dominated"]))
    relevance = 0 if all(claim.kind == "leading" for claim in claims) else 1
    total = limitations + coherence + min(adequacy, 2) + relevance
    return Confidence(RATINGS[min(len(RATINGS) - 1, (total + 1) // 2)], limitations, coherence, min(adequacy, 2), relevance)


def source_set_names(evidence: cl.Evidence, labels: Mapping[str, str], groups: Mapping, source_sets: Sequence[str]) -> list[str]:
    """Each source set's name, followed, when one speaker made over half of its statements, by who and how many."""
    names = []
    for source_set in source_sets:
        rows = evidence.frame[evidence.frame["source_set"] == source_set]
        dominant = dominant_speaker(rows, groups)
        label = labels.get(source_set, source_set)
        names.append(phrase("set_dominance", source_set=label, speaker=dominant[0], n=dominant[1], total=len(rows)) if dominant else label)
    return names
