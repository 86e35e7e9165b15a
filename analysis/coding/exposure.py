"""What a coder could learn from the codebook, or from how a text is laid out.

A blind test only means something when the coder could not have learnt the answers elsewhere.
The codebook shows some contributions on purpose (its examples, and the few it quotes whole):
these are declared, and every test reports them apart. Anything else it repeats (a quoted cue
phrase, six consecutive words of a contribution) exposes a text, and validation lists it. The
texts are shown to a coder without the layout marks that tell where they were printed; the key
records each change, and the words never change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

MIN_CUE_WORDS = 3
MIN_OVERLAP_WORDS = 6  # a codebook phrase may not repeat this many consecutive words of a contribution
MIN_WHOLE_WORDS = 4  # ... nor the whole of a contribution of at least this many words
CODEBOOK_FIELDS_GIVEN = ("id", "label", "theme", "brief_definition", "full_definition", "use_when", "do_not_use_when")
#: Layout marks that tell a coder where a text was printed without carrying meaning; the
#: packet shows texts without them (the words never change) and the key records each change.
_TRAILING_LIST_MARK = re.compile(r"\s*(?:;\s*(?:and|or)|[;,:])\s*$")
_STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def codebook_examples(codebook: Mapping) -> set[str]:
    """Contribution ids the codebook declares it shows: examples of codes and statement
    functions, and the contributions it quotes whole (``quoted_contributions``)."""
    entries = list(codebook.get("codes", [])) + list(codebook.get("statement_functions", []))
    return {str(entry["example"]) for entry in entries if entry.get("example")} | {str(cid) for cid in codebook.get("quoted_contributions") or []}


def quoted_phrases(codebook: Mapping, min_words: int = MIN_CUE_WORDS) -> set[str]:
    """Phrases quoted in the codebook's rules and definitions (not its change log), lower-cased,
    without trailing dots, that have at least ``min_words`` words."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            for straight, curly in re.findall(r'"([^"]+)"|\u201c([^\u201d]+)\u201d', value):
                phrase = (straight or curly).strip().rstrip(".\u2026 ").lower()
                if len(phrase.split()) >= min_words:
                    found.add(phrase)

    walk({key: value for key, value in codebook.items() if key != "changelog"})
    return found


def cue_exposed(texts: Mapping[str, str], phrases: Iterable[str]) -> set[str]:
    """Ids whose text contains any of ``phrases`` (case-insensitive)."""
    phrases = list(phrases)
    return {cid for cid, text in texts.items() if any(phrase in text.lower() for phrase in phrases)}


def codebook_as_given(codebook: Mapping, texts: Mapping[str, str]) -> dict:
    """The codebook the coder receives: version, coding and function rules, statement functions, themes and
    codes with their definitions; each example given as its text (never its id, which would name
    its source); no change log and no reliability notes (they discuss earlier coding)."""

    def entry(item: Mapping) -> dict:
        given = {field: item[field] for field in CODEBOOK_FIELDS_GIVEN if field in item}
        if item.get("example"):
            given["example_text"] = texts[str(item["example"])]
        return given

    return {
        "version": codebook.get("version"),
        "coding_rules": list(codebook.get("coding_rules") or []),
        **({"function_rules": list(codebook["function_rules"])} if "function_rules" in codebook else {}),
        "statement_functions": [entry(item) for item in codebook.get("statement_functions") or []],
        "themes": [{"id": t["id"], "label": t["label"]} for t in codebook.get("themes") or []],
        "codes": [entry(item) for item in codebook.get("codes") or []],
    }


def presentation_view(text: str) -> tuple[str, str]:
    """``text`` as the coder sees it, and what was changed: curly quotes straightened, a list
    item's trailing ``;``, ``; and``, ``; or``, ``,`` or ``:`` removed, a leading lower-case
    letter capitalised. The words are never changed (:func:`words`)."""
    changes = []
    shown = text.translate(_STRAIGHT_QUOTES)
    if shown != text:
        changes.append("quotes straightened")
    trimmed = _TRAILING_LIST_MARK.sub("", shown)
    if trimmed != shown:
        changes.append(f"trailing {shown[len(trimmed):].strip()!r} removed")
    if trimmed[:1].islower():
        trimmed = trimmed[0].upper() + trimmed[1:]
        changes.append("first letter capitalised")
    return trimmed, "; ".join(changes)


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, quotes straightened, punctuation dropped."""
    return _WORD.findall(text.translate(_STRAIGHT_QUOTES).lower())


def _codebook_strings(codebook: Mapping) -> list[tuple[str, str]]:
    """(where, text) of every string a coder is given of the codebook (:func:`codebook_as_given`),
    example texts left out (they are declared)."""
    found: list[tuple[str, str]] = []

    def walk(value, where: str) -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                if name != "example_text":
                    walk(item, f"{where}.{name}" if where else str(name))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                label = item.get("id") if isinstance(item, Mapping) and item.get("id") else n
                walk(item, f"{where}.{label}")
        elif isinstance(value, str):
            found.append((where, value))

    walk(codebook_as_given(codebook, defaultdict(str)), "")
    return found


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _fields_by_gram(fields: Sequence[Sequence[str]], lengths: Iterable[int]) -> dict[tuple[str, ...], list[int]]:
    """Each run of ``lengths`` consecutive words in ``fields`` -> the indices of the fields holding it, in order."""
    found: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, tokens in enumerate(fields):
        for gram in set().union(*(_ngrams(tokens, n) for n in lengths)):
            found[gram].append(index)
    return found


def codebook_overlaps(codebook: Mapping, texts: Mapping[str, str], min_words: int = MIN_OVERLAP_WORDS,
                      min_whole: int = MIN_WHOLE_WORDS) -> pd.DataFrame:
    """Every place where the codebook as given to coders repeats ``min_words`` consecutive
    words of a contribution, or the whole of a contribution of at least ``min_whole`` words:
    ``where`` (the codebook field), ``contribution_id``, ``words`` (the first phrase repeated)
    and ``declared_example`` (the contribution is a codebook example, so it is shown to coders
    anyway). The codebook's phrases are indexed once, so each contribution costs a look-up per
    phrase of its own, not a comparison with every field."""
    strings = _codebook_strings(codebook)
    wheres, fields = [where for where, _ in strings], [words(text) for _, text in strings]
    by_gram = _fields_by_gram(fields, [min_words])
    by_whole = _fields_by_gram(fields, range(min_whole, min_words))
    examples = codebook_examples(codebook)
    rows = []
    for cid, text in texts.items():
        tokens = words(text)
        first: dict[int, tuple[str, ...]] = {}  # field index -> the first phrase it repeats
        if min_whole <= len(tokens) < min_words:
            first = dict.fromkeys(by_whole.get(tuple(tokens), ()), tuple(tokens))
        for gram in _ngrams(tokens, min_words):
            for index in by_gram.get(gram, ()):
                first[index] = min(first.get(index, gram), gram)
        rows += [(wheres[index], cid, " ".join(first[index]), cid in examples) for index in sorted(first)]
    return pd.DataFrame(rows, columns=["where", "contribution_id", "words", "declared_example"]).astype({"declared_example": bool})
