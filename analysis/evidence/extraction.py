"""Extraction of contributions from the source texts into data/contributions.csv.

How each source is read is found by its source id in data/extraction_rules.yaml: its id
prefix, and either a known ``layout`` (:mod:`analysis.evidence.layouts`: lists under
headings, a two-column table, prose), which needs no Python at all, or a rule of its own, the
module ``analysis/evidence/rules/<source_id>.py`` with a function ``extract(ctx)``. Either way
the sections come from the entry, so no section name is written in code. The pieces every rule shares are in :mod:`analysis.evidence.corpus`. The few
manual repairs and attribution decisions are data, in data/extraction_repairs.yaml; every
entry there must match the text, or extraction stops with an error. Character offsets are Python ``str`` indices into the
decoded text of data/sources/<source_id>.txt. :func:`contributions_csv` gives the table's
text in a stable order, so rebuilding it gives the same bytes.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.evidence import schema
from analysis.evidence.corpus import RULES_YAML, Context
from analysis.evidence.layouts import LAYOUTS
from analysis.evidence.loaders import load_groups, load_source_texts, load_sources
from analysis.evidence.data import Data
from analysis.evidence.readers import DataValidationError, Problem, raise_if
from analysis.evidence.validate import CONTRIBUTIONS_CSV, SOURCES_CSV
from analysis.evidence.vocabulary import load_vocabulary
from analysis.paths import DATA_DIR, display_path

REPAIRS_YAML = "extraction_repairs.yaml"
RULES_PACKAGE = "analysis.evidence.rules"


class ExtractionError(ValueError):
    """A source's text does not follow its rule, or a recorded repair does not match it."""


def load_repairs(data: Data) -> dict[str, list[dict]]:
    """data/extraction_repairs.yaml: kind of repair -> entries (each with a source_id); none
    when the data folder has no such file."""
    if not data.exists(REPAIRS_YAML):
        return {}
    content, problems = data.yaml(REPAIRS_YAML)
    raise_if(problems)
    malformed = [kind for kind, entries in content.items() if not isinstance(entries, list) or not all(isinstance(e, dict) and "source_id" in e for e in entries)]
    if malformed:
        raise_if([Problem(display_path(data.file(REPAIRS_YAML)), None, malformed[0], "must be a list of entries, each with a source_id")])
    return content


def load_rules(data: Data, source_ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """data/extraction_rules.yaml, checked: one entry per source, each with an id prefix of two
    capital letters unique to it, a known layout or a rule module of its own, and sections
    known to data/vocabulary.yaml."""
    shown = display_path(data.file(RULES_YAML))
    content, problems = data.yaml(RULES_YAML)
    raise_if(problems)
    sections = load_vocabulary(data).sections
    prefixes: dict[str, str] = {}
    for source_id in source_ids:
        entry = content.get(source_id)
        if not isinstance(entry, dict):
            problems.append(Problem(shown, None, source_id, f"no entry for the source {source_id} of {SOURCES_CSV}"))
            continue
        prefix = entry.get("id_prefix")
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z]{2}", prefix):
            problems.append(Problem(shown, None, f"{source_id}.id_prefix", "must be two capital letters"))
        elif prefix in prefixes:
            problems.append(Problem(shown, None, f"{source_id}.id_prefix", f"{prefix} is also the prefix of {prefixes[prefix]}"))
        else:
            prefixes[prefix] = source_id
        layout = entry.get("layout")
        if layout is not None and layout not in LAYOUTS:
            problems.append(Problem(shown, None, f"{source_id}.layout", f"{layout!r}; allowed: {', '.join(LAYOUTS)}, or none with a rule module"))
        elif layout is None and importlib.util.find_spec(f"{RULES_PACKAGE}.{source_id}") is None:
            problems.append(Problem(shown, None, f"{source_id}.layout", f"missing, and there is no rule module analysis/evidence/rules/{source_id}.py"))
        named = entry.get("sections", {})
        if not isinstance(named, dict):
            problems.append(Problem(shown, None, f"{source_id}.sections", "must map the rule's parts to sections"))
            continue
        problems += [Problem(shown, None, f"{source_id}.sections.{part}", f"unknown section {section!r} (not defined in vocabulary.yaml)")
                     for part, section in named.items() if section not in sections]
    problems += [Problem(shown, None, name, f"not a source of {SOURCES_CSV}") for name in content if name not in source_ids]
    raise_if(problems)
    return {source_id: content[source_id] for source_id in source_ids}


def extractor(ctx: Context) -> Callable[[Context], list[dict]]:
    """The function that reads this source: its known layout, or its own rule module."""
    if ctx.rule.get("layout") is not None:
        return LAYOUTS[ctx.rule["layout"]]
    return importlib.import_module(f"{RULES_PACKAGE}.{ctx.source_id}").extract


def repairs_for(repairs: dict[str, list[dict]], source_id: str) -> dict[str, list[dict]]:
    """The entries that concern one source, by kind."""
    return {kind: [entry for entry in entries if entry["source_id"] == source_id] for kind, entries in repairs.items()}


def _check_attributions_used(ctx: Context, rows: list[dict]) -> None:
    """Fail when a recorded speaker attribution matches no row (it would be stale)."""
    for entry in ctx.entries("speaker_attributions"):
        if not any(row["speaker_label"] == entry["label"] and row["speaker_group"] == entry["speaker_group"] for row in rows):
            raise ValueError(f"speaker_attributions: {entry['label']!r} is not used in {ctx.source_id}")


def build_contributions(data: Data) -> pd.DataFrame:
    """Every contribution of every source in sources.csv, in source order, then text order."""
    sources, groups, texts = load_sources(data), load_groups(data), load_source_texts(data)
    repairs = load_repairs(data)
    unknown = {entry["source_id"] for entries in repairs.values() for entry in entries} - set(sources["source_id"])
    if unknown:
        raise ExtractionError(f"{display_path(data.file(REPAIRS_YAML))}: unknown source ids {', '.join(sorted(unknown))}")
    rules = load_rules(data, list(sources["source_id"]))
    rows = []
    for source_id in sources["source_id"]:
        ctx = Context(source_id, texts[source_id], groups, repairs_for(repairs, source_id), rules[source_id])
        try:
            found = sorted(extractor(ctx)(ctx), key=lambda row: (row["char_start"], row["char_end"]))
            _check_attributions_used(ctx, found)
        except ValueError as error:  # the text does not follow its rule, or a repair does not match it
            raise ExtractionError(f"{display_path(data.file(f'sources/{source_id}.txt'))}: {error}") from error
        except Exception as error:  # a fault in a source's own rule module, reported as a line like any other
            raise ExtractionError(f"{display_path(data.file(f'sources/{source_id}.txt'))}: its rule failed with "
                                  f"{type(error).__name__}: {error}") from error
        rows += found
    frame = pd.DataFrame(rows, columns=schema.column_names(schema.CONTRIBUTION_COLUMNS))
    return frame.astype({column.name: column.dtype for column in schema.CONTRIBUTION_COLUMNS})


def contributions_csv(frame: pd.DataFrame) -> str:
    """The CSV text of a contributions table: UTF-8-ready, LF line ends, empty for missing."""
    return frame.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild contributions.csv, or with ``--check`` report whether it is current."""
    parser = argparse.ArgumentParser(prog="python -m analysis extract", description="Rebuild data/contributions.csv from the source texts.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="data folder (default: the project's data/)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file differs from a rebuild")
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"{display_path(args.data_dir)}: no such data folder", file=sys.stderr)
        return 1
    path = args.data_dir / CONTRIBUTIONS_CSV
    try:
        rebuilt = contributions_csv(build_contributions(Data(args.data_dir))).encode("utf-8")
    except DataValidationError as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except ExtractionError as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        current = path.is_file() and path.read_bytes() == rebuilt
        print(f"{display_path(path)}: {'up to date' if current else 'differs from a rebuild'}")
        return 0 if current else 1
    path.write_bytes(rebuilt)
    print(f"wrote {display_path(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
