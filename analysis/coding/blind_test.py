"""The blind reliability test on the final codebook: who is eligible, the sample, the packet.

A blind test only means something when the second coder could not have learnt the answers
elsewhere. So the sample is drawn from contributions the coder has never been shown in any
form: not a codebook example, not in the pilot that shaped the definitions, not in an earlier
reliability sample, and not quoted (as a cue phrase of three or more words) in the codebook.
The packet holds only opaque unit ids and the texts, in a shuffled order; the key that maps a
unit to its contribution is written after the packet and never given to the coder.

Everything is a pure function of the data and a recorded seed, except the two writers at the
end, so the same data and seed give byte-identical packets.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import string
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.evidence.data import Data
from analysis.coding.exposure import codebook_as_given, codebook_examples, cue_exposed, presentation_view, quoted_phrases
from analysis.evidence.vocabulary import Vocabulary, load_vocabulary

PACKET_CSV = "packet.csv"
KEY_CSV = "key.csv"
CODEBOOK_AS_GIVEN = "codebook_as_given.yaml"
INSTRUCTIONS_MD = "INSTRUCTIONS.md"
PILOT_STEP, PILOT_START = 7, 4  # the pilot took every seventh row of contributions.csv from the fourth
UNIT_ID_DIGITS = 6
REFERENCE_CSV = "reference.csv"
INSTRUCTIONS_TEMPLATE = Path(__file__).parent / "templates" / INSTRUCTIONS_MD


def pilot_ids(contribution_ids: Sequence[str], step: int = PILOT_STEP, start: int = PILOT_START) -> set[str]:
    """The pilot's contributions: every ``step``-th row of contributions.csv from row ``start`` (1-based)."""
    return set(list(contribution_ids)[start - 1 :: step])


def exclusions(contributions: pd.DataFrame, codebook: Mapping, earlier_sample: Iterable[str]) -> pd.DataFrame:
    """One row per excluded contribution: ``contribution_id`` and every ``reason`` it is excluded
    for (codebook example, pilot, earlier sample, codebook cue phrase), joined by '; '."""
    ids = list(contributions["contribution_id"])
    texts = dict(zip(contributions["contribution_id"], contributions["text"]))
    reasons = {
        "codebook example": codebook_examples(codebook),
        "pilot": pilot_ids(ids),
        "earlier sample": set(earlier_sample),
        "codebook cue phrase": cue_exposed(texts, quoted_phrases(codebook)),
    }
    rows = [
        (cid, "; ".join(reason for reason, members in reasons.items() if cid in members))
        for cid in ids
        if any(cid in members for members in reasons.values())
    ]
    return pd.DataFrame(rows, columns=["contribution_id", "reason"])


def opaque_unit_ids(n: int, seed: int) -> list[str]:
    """``n`` distinct unit ids such as ``U-4f09a2``: random hexadecimal, fixed by ``seed``, carrying no information."""
    rng = np.random.default_rng(seed)
    numbers = rng.choice(16**UNIT_ID_DIGITS, size=n, replace=False)
    return [f"U-{number:0{UNIT_ID_DIGITS}x}" for number in numbers]


def make_packet(sample: Sequence[str], texts: Mapping[str, str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The packet (``unit_id``, ``text``, shuffled, sorted by unit id) and its key (``unit_id``,
    ``contribution_id``). Sorting by the random unit id is the shuffle: the packet's order says
    nothing about the documents' order."""
    units = opaque_unit_ids(len(sample), seed)
    key = pd.DataFrame({"unit_id": units, "contribution_id": list(sample)}).sort_values("unit_id", ignore_index=True)
    packet = pd.DataFrame({"unit_id": key["unit_id"], "text": [texts[cid] for cid in key["contribution_id"]]})
    return packet, key


def normalised_packet(packet: pd.DataFrame, key: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The packet with each text in its :func:`presentation_view`, and the key with a
    ``presentation`` column recording what was changed for each unit (empty: nothing)."""
    views = [presentation_view(text) for text in packet["text"]]
    shown = packet.assign(text=[view for view, _ in views])
    return shown, key.assign(presentation=[change for _, change in views])


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as UTF-8 CSV text with LF line endings and minimal quoting."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def sha256_text(text: str) -> str:
    """SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identifying_values(contributions: pd.DataFrame, groups: Mapping, sources: pd.DataFrame, vocabulary: Vocabulary) -> set[str]:
    """Every name that would tell a coder where a text comes from: contribution ids, source ids
    and titles, sections, speaker groups and labels, subject and mixed groups, the ids and
    labels of groups.yaml's speaker and subject groups, and the ids and labels of the
    vocabulary's source sets and sectors."""
    values: set[str] = set(contributions["contribution_id"])
    for column in ("source_id", "section", "speaker_group", "speaker_label", "subject_group", "mixed_group"):
        values.update(v for v in contributions[column].dropna().astype(str) if v)
    values.update(sources["source_id"].astype(str))
    values.update(sources["title"].astype(str))
    for part in ("speaker_groups", "subject_groups"):
        for group_id, group in groups.get(part, {}).items():
            values.add(str(group_id))
            values.update(str(label) for label in [*group.get("labels", []), group.get("label", "")])
    values.update(vocabulary.labels())
    values.update(vocabulary.labels().values())
    return {value for value in values if value.strip()}


def identifying_hits(packet_text: str, texts: Iterable[str], names: Iterable[str]) -> list[str]:
    """Names that occur in the packet outside the contributions' own words (a name a speaker
    printed in the text itself is part of the evidence, not a leak)."""
    residue = packet_text
    for text in sorted(set(texts), key=len, reverse=True):
        residue = residue.replace(text, " ")
    residue = residue.lower()
    return sorted(name for name in names if name.lower() in residue)


def refuse_identifying(packet: pd.DataFrame, given_codebook: Mapping, names: Iterable[str], contribution_ids: Iterable[str]) -> None:
    """Raise ValueError, before anything is written, when the packet names where a text comes
    from (:func:`identifying_hits`) or the codebook as given holds a contribution id."""
    given_text = yaml.safe_dump(dict(given_codebook), allow_unicode=True)
    hits = identifying_hits(csv_text(packet), packet["text"], names) + [cid for cid in contribution_ids if cid in given_text]
    if hits:
        raise ValueError(f"the packet would name where its texts come from: {', '.join(hits)}")


def write_packet_files(out_dir: Path, packet: pd.DataFrame, given_codebook: Mapping) -> str:
    """Write the packet and the codebook as given to ``out_dir`` (the instructions are a
    hand-written file there; the key is written separately, afterwards); return the packet's sha256."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = csv_text(packet)
    (out_dir / PACKET_CSV).write_text(text, encoding="utf-8")
    (out_dir / CODEBOOK_AS_GIVEN).write_text(yaml.safe_dump(dict(given_codebook), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return sha256_text(text)


def write_key(out_dir: Path, key: pd.DataFrame) -> Path:
    """Write the key (unit_id -> contribution_id) after the packet."""
    path = out_dir / KEY_CSV
    path.write_text(csv_text(key), encoding="utf-8")
    return path


def draw(data: Data, folder: str, fraction: float, seed: int, functions_only: bool = False) -> dict:
    """Draw a sample and write its packet, codebook as given and exclusions, then its key, under
    ``data/reliability/<folder>``; return the record (counts, seed, packet sha256).

    Every earlier test's sample (reliability/tests.yaml) is excluded. ``functions_only`` draws
    only from sections whose statement function is coded, and gives the coder only the
    function rules and definitions (a re-test of the functions alone)."""
    from analysis.coding.codebook import load_codebook
    from analysis.coding.sample import draw_reliability_sample
    from analysis.coding.functions import read_section_functions
    from analysis.coding.reliability_tables import load_tests, sample_ids
    from analysis.evidence.loaders import load_contributions, load_groups, load_sources

    out_dir = data.path / "reliability" / folder
    contributions = load_contributions(data)
    codebook = load_codebook(data)
    earlier = {cid for test in load_tests(data) for cid in sample_ids(data, test)}
    excluded = exclusions(contributions, codebook, earlier)
    eligible = contributions[~contributions["contribution_id"].isin(excluded["contribution_id"])]
    if functions_only:
        coded_sections = [section for section, function in read_section_functions(data).items() if function is None]
        eligible = eligible[eligible["section"].isin(coded_sections)]
    sample = draw_reliability_sample(eligible, fraction, seed, strata=("source_id", "section"))
    texts = dict(zip(contributions["contribution_id"], contributions["text"]))
    packet, key = make_packet(sample, texts, seed)
    given = codebook_as_given(codebook, texts)
    if functions_only:
        given = {k: given[k] for k in ("version", "function_rules", "statement_functions")}
    names = identifying_values(contributions, load_groups(data), load_sources(data), load_vocabulary(data))
    refuse_identifying(packet, given, names, contributions["contribution_id"])
    out_dir.mkdir(parents=True, exist_ok=True)
    excluded.to_csv(out_dir / "exclusions.csv", index=False, lineterminator="\n")
    digest = write_packet_files(out_dir, packet, given)
    write_key(out_dir, key)
    return {"contributions": len(contributions), "excluded": len(excluded), "eligible": len(eligible),
            "sample": len(sample), "fraction": fraction, "seed": seed, "packet_sha256": digest}


def keyed_rows(returned: pd.DataFrame, key: pd.DataFrame, coder: str) -> tuple[pd.DataFrame, list[str]]:
    """The coder's returned rows (``unit_id``, ``code_id``, ``memo``) as coding rows
    (``contribution_id``, ``code_id``, ``coder``, ``memo``), verbatim and in the returned order,
    and the problems found: units not in the key, and packet units the coder left out."""
    contribution_of = dict(zip(key["unit_id"], key["contribution_id"]))
    memo = returned["memo"] if "memo" in returned.columns else ""
    rows = pd.DataFrame({"contribution_id": returned["unit_id"].map(contribution_of), "code_id": returned["code_id"],
                         "coder": coder, "memo": memo})
    problems = [f"unit {unit} is not in the key" for unit in returned.loc[rows["contribution_id"].isna(), "unit_id"]]
    problems += [f"unit {unit} was not coded" for unit in sorted(set(key["unit_id"]) - set(returned["unit_id"]))]
    return rows.fillna({"contribution_id": ""}), problems


def reference_snapshot(contributions: pd.DataFrame, consensus: pd.DataFrame, section_function: Mapping[str, str | None]) -> pd.DataFrame:
    """The reference a whole-corpus test is scored against, frozen before its packet goes out:
    every consensus row (``contribution_id``, ``code_id``, ``origin`` "coding") and, for each
    contribution whose section fixes its statement function, that function (``origin``
    "heading"), in the order of the contributions."""
    order = {cid: n for n, cid in enumerate(contributions["contribution_id"])}
    coded = consensus[["contribution_id", "code_id"]].assign(origin="coding")
    fixed = contributions.assign(code_id=contributions["section"].map(section_function))
    fixed = fixed.loc[fixed["code_id"].notna(), ["contribution_id", "code_id"]].assign(origin="heading")
    rows = pd.concat([coded, fixed], ignore_index=True)
    rows = rows.assign(_order=rows["contribution_id"].map(order)).sort_values(["_order", "origin", "code_id"], kind="stable")
    return rows.drop(columns="_order").reset_index(drop=True)


def instructions(coder: str, n: int, codebook: Mapping) -> str:
    """The coder's instructions, from the template beside this module."""
    functions = ", ".join(f"`{f}`" for f in (str(item["id"]) for item in codebook["statement_functions"]))
    return string.Template(INSTRUCTIONS_TEMPLATE.read_text(encoding="utf-8")).substitute(
        n=n, version=codebook["version"], functions=functions, coder=coder)


def write_whole_corpus_packet(data: Data, coder: str, seed: int) -> dict:
    """Freeze the reference, then write a blind packet of every contribution for ``coder``
    under ``data/reliability/<coder>/``: the reference snapshot first, then the packet (texts
    in their :func:`presentation_view`, opaque ids, shuffled), the codebook as given and the
    instructions, and last the key. Refuses a folder that exists and a packet that names where
    its texts come from."""
    from analysis.coding.codebook import load_codebook
    from analysis.coding.coding_checks import load_coding
    from analysis.evidence.vocabulary import CONSENSUS
    from analysis.coding.functions import read_section_functions
    from analysis.evidence.loaders import load_contributions, load_groups, load_sources

    out_dir = data.path / "reliability" / coder
    if out_dir.exists():
        raise ValueError(f"{out_dir} exists already: a packet is written once")
    contributions = load_contributions(data)
    codebook = load_codebook(data)
    texts = dict(zip(contributions["contribution_id"], contributions["text"]))
    packet, key = normalised_packet(*make_packet(list(contributions["contribution_id"]), texts, seed))
    given = codebook_as_given(codebook, {cid: presentation_view(text)[0] for cid, text in texts.items()})
    names = identifying_values(contributions, load_groups(data), load_sources(data), load_vocabulary(data))
    refuse_identifying(packet, given, names, contributions["contribution_id"])
    reference = reference_snapshot(contributions, load_coding(data, CONSENSUS), read_section_functions(data))
    out_dir.mkdir(parents=True)
    reference_text = csv_text(reference)
    (out_dir / REFERENCE_CSV).write_text(reference_text, encoding="utf-8")
    digest = write_packet_files(out_dir, packet, given)
    (out_dir / INSTRUCTIONS_MD).write_text(instructions(coder, len(packet), codebook), encoding="utf-8")
    write_key(out_dir, key)
    return {"units": len(packet), "seed": seed, "codebook_version": codebook["version"], "folder": display_folder(out_dir),
            "reference_sha256": sha256_text(reference_text), "packet_sha256": digest,
            "normalised": int((key["presentation"] != "").sum())}


def display_folder(path: Path) -> str:
    from analysis.paths import display_path

    return display_path(path)


def import_answers(data: Data, returned_path: Path, coder: str) -> dict:
    """Take a coder's returned file back: kept as returned (``<coder>_returned.csv`` in its
    packet folder) and its rows appended verbatim to coding.csv under ``coder``, units mapped to
    contributions by the key. Refuses a coder that already has rows, and a file with units
    not in the key or packet units left out."""
    from analysis.coding.coding_table import CODING_CSV

    folder = data.path / "reliability" / coder
    if not (folder / KEY_CSV).is_file():
        raise ValueError(f"no packet for coder {coder!r} (expected {display_folder(folder / KEY_CSV)})")
    existing = data.table(CODING_CSV, ["coder"])
    if existing is None:
        raise ValueError(f"{display_folder(data.file(CODING_CSV))} cannot be read (python -m analysis validate says why)")
    if (existing["coder"] == coder).any():
        raise ValueError(f"coding.csv already holds rows of coder {coder!r}")
    raw = Path(returned_path).read_bytes()
    returned = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    missing = {"unit_id", "code_id"} - set(returned.columns)
    if missing:
        raise ValueError(f"{returned_path}: missing column(s) {', '.join(sorted(missing))}")
    key = data.table(f"reliability/{coder}/{KEY_CSV}")
    rows, problems = keyed_rows(returned, key, coder)
    if problems:
        raise ValueError(f"{returned_path}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    (folder / f"{coder}_returned.csv").write_bytes(raw)
    with data.file(CODING_CSV).open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows[["contribution_id", "code_id", "coder", "memo"]].itertuples(index=False))
    return {"coder": coder, "rows": len(rows), "units": rows["contribution_id"].nunique(), "returned_sha256": hashlib.sha256(raw).hexdigest()}


ADJUDICATION_PACKET = "adjudication_packet.csv"
ADJUDICATION_ORDER = "adjudication_order.csv"
ADJUDICATION_MD = "ADJUDICATION.md"
RECONCILIATION = "reconciliation.csv"


def _test_readings(data: Data, coder: str) -> tuple[dict, dict, set[str], dict[str, str], Mapping]:
    """The reference's and ``coder``'s readings of the test whose second coder is ``coder``,
    the contributions whose function the heading fixes, the texts as the coder saw them, and
    the codebook."""
    from analysis.coding.adjudication import readings
    from analysis.coding.codebook import load_codebook
    from analysis.coding.coding_table import CODING_CSV
    from analysis.coding.functions import read_section_functions
    from analysis.coding.reliability_tables import load_tests, sample_ids
    from analysis.evidence.loaders import load_contributions

    (test,) = [t for t in load_tests(data) if t["second_coder"] == coder] or [None]
    if test is None:
        raise ValueError(f"no test in reliability/tests.yaml has second_coder {coder!r}")
    codebook = load_codebook(data)
    functions = [str(f["id"]) for f in codebook["statement_functions"]]
    ids = list(dict.fromkeys(sample_ids(data, test)))
    coding = data.table(CODING_CSV)
    contributions = load_contributions(data)
    by_section = read_section_functions(data)
    fixed = {cid for cid, section in zip(contributions["contribution_id"], contributions["section"]) if by_section.get(section)}
    shown = {cid: presentation_view(text)[0] for cid, text in zip(contributions["contribution_id"], contributions["text"])}
    return (readings(coding, test["reference"], ids, functions), readings(coding, coder, ids, functions), fixed, shown, codebook)


def write_adjudication_packet(data: Data, coder: str, seed: int) -> dict:
    """The adjudicator's packet for ``coder``'s test (the disagreements, unlabelled), its
    instructions and the codebook as the coder had it; then, apart, the order file."""
    from analysis.coding.adjudication import adjudication_packet

    folder = data.path / "reliability" / coder
    if (folder / ADJUDICATION_PACKET).exists():
        raise ValueError(f"{display_folder(folder / ADJUDICATION_PACKET)} exists already: a packet is written once")
    reference, second, fixed, shown, codebook = _test_readings(data, coder)
    packet, order = adjudication_packet(reference, second, fixed, shown, seed)
    text = csv_text(packet)
    (folder / ADJUDICATION_PACKET).write_text(text, encoding="utf-8")
    template = string.Template((Path(__file__).parent / "templates" / ADJUDICATION_MD).read_text(encoding="utf-8"))
    (folder / ADJUDICATION_MD).write_text(template.substitute(n=len(packet), version=codebook["version"]), encoding="utf-8")
    (folder / ADJUDICATION_ORDER).write_text(csv_text(order), encoding="utf-8")
    return {"disputed_units": len(packet), "packet_sha256": sha256_text(text)}


def import_adjudication(data: Data, returned_path: Path, coder: str) -> dict:
    """Check the adjudicator's answers, keep them as returned, and write the test's
    reconciliation log from them (the consensus is then brought to it by
    :func:`apply_reconciliation`)."""
    from analysis.coding.adjudication import answer_problems, reconciliation_log

    folder = data.path / "reliability" / coder
    raw = Path(returned_path).read_bytes()
    answers = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    packet = pd.read_csv(folder / ADJUDICATION_PACKET, dtype=str, keep_default_na=False)
    problems = answer_problems(packet, answers)
    if problems:
        raise ValueError(f"{returned_path}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    reference, second, _, _, _ = _test_readings(data, coder)
    order = pd.read_csv(folder / ADJUDICATION_ORDER, dtype=str, keep_default_na=False)
    log = reconciliation_log(packet, order, answers, reference, second)
    (folder / "adjudicator_returned.csv").write_bytes(raw)
    (folder / RECONCILIATION).write_text(csv_text(log), encoding="utf-8")
    apply_to_consensus(data, log)
    return {"decisions": len(log), "kept": int((log["decision"] == log["before"]).sum()),
            "changed": int((log["decision"] != log["before"]).sum()), "returned_sha256": hashlib.sha256(raw).hexdigest()}


def consensus_lines(lines: list[str], log: pd.DataFrame, consensus: str) -> list[str]:
    """coding.csv's lines (header first) with a reconciliation log applied to the consensus
    rows: a code decided absent loses its consensus line, a code decided present that the
    consensus lacked gets one, after that contribution's last consensus line."""
    rows = list(csv.reader(lines))
    drop = {(c, k) for c, k, b, d in zip(log["contribution_id"], log["code_id"], log["before"], log["decision"]) if b == "present" and d == "absent"}
    add: dict[str, list[str]] = {}
    for c, k, b, d in zip(log["contribution_id"], log["code_id"], log["before"], log["decision"]):
        if b == "absent" and d == "present":
            add.setdefault(c, []).append(k)
    last = {row[0]: n for n, row in enumerate(rows) if n and row[2] == consensus}
    out = []
    for n, (line, row) in enumerate(zip(lines, rows)):
        if not (n and row[2] == consensus and (row[0], row[1]) in drop):
            out.append(line)
        if n and last.get(row[0]) == n:
            out += [f"{row[0]},{code},{consensus},\n" for code in add.pop(row[0], [])]
    if add:
        raise ValueError(f"no consensus rows for {', '.join(sorted(add))}")
    return out


def apply_to_consensus(data: Data, log: pd.DataFrame) -> None:
    """Bring coding.csv's consensus rows to the decisions of ``log`` (:func:`consensus_lines`)."""
    from analysis.coding.coding_table import CODING_CSV
    from analysis.evidence.vocabulary import CONSENSUS

    path = data.path / CODING_CSV
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(consensus_lines(lines, log, CONSENSUS)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis reliability packet|import``: one line per result, one line per error."""
    from analysis.params import DEFAULT_SEED
    from analysis.paths import DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m analysis reliability", description="A blind reliability test a person can run.")
    sub = parser.add_subparsers(dest="action", required=True)
    packet = sub.add_parser("packet", help="freeze the reference and write a blind packet of every contribution for a new coder")
    packet.add_argument("--coder", required=True, help="the new coder's name (letters, digits, _)")
    packet.add_argument("--seed", type=int, default=DEFAULT_SEED)
    returned = sub.add_parser("import", help="take a coder's answers back into data/coding.csv")
    returned.add_argument("file", type=Path)
    returned.add_argument("--coder", required=True)
    disputes = sub.add_parser("adjudication-packet", help="write the disagreements of a coder's test for an adjudicator, unlabelled")
    disputes.add_argument("--coder", required=True, help="the test's second coder")
    disputes.add_argument("--seed", type=int, default=DEFAULT_SEED)
    decided = sub.add_parser("adjudication-import", help="take the adjudicator's decisions back as the test's reconciliation log")
    decided.add_argument("file", type=Path)
    decided.add_argument("--coder", required=True, help="the test's second coder")
    for each in (packet, returned, disputes, decided):
        each.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.coder):
        print(f"error: coder name {args.coder!r} must be lower-case letters, digits and _", file=sys.stderr)
        return 2
    try:
        data = Data(args.data_dir)
        actions = {"packet": lambda: write_whole_corpus_packet(data, args.coder, args.seed),
                   "import": lambda: import_answers(data, args.file, args.coder),
                   "adjudication-packet": lambda: write_adjudication_packet(data, args.coder, args.seed),
                   "adjudication-import": lambda: import_adjudication(data, args.file, args.coder)}
        result = actions[args.action]()
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("; ".join(f"{name}: {value}" for name, value in result.items()))
    return 0


if __name__ == "__main__":
    from analysis.paths import DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m analysis.coding.blind_test", description="Draw the blind reliability sample and write its packet and key.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--fraction", type=float, required=True, help="share of each source x section stratum of eligible contributions")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--folder", required=True, help="folder under data/reliability/ for the packet and key")
    parser.add_argument("--functions-only", action="store_true", help="re-test the statement functions alone")
    arguments = vars(parser.parse_args())
    for name, value in draw(Data(arguments.pop("data_dir")), **arguments).items():
        print(f"{name}: {value}")
