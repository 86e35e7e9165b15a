"""How long suggested codes take: training on, and suggesting for, a given number of statements.

``python -m analysis benchmark --suggest`` draws the statements (with replacement, fixed
seed) from the consensus coding of the data folder, so their texts, lengths and codes are
real ones, fits the model of :mod:`analysis.coding.suggest` on ``--statements`` of them and
suggests codes (and functions, where the section does not fix them) for as many others, and
prints the median CPU seconds (user + system of this process) and wall seconds of each.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.evidence.data import Data
from analysis.coding import suggest as sg
from analysis.coding.codebook import code_ids, load_codebook
from analysis.evidence.vocabulary import CONSENSUS
from analysis.params import DEFAULT_SEED
from analysis.coding.functions import read_section_functions, statement_function_ids
from analysis.coding.suggest_command import coding_table
from analysis.evidence.loaders import load_contributions
from analysis.paths import DATA_DIR

STATEMENTS = 1_000


def drawn(table: pd.DataFrame, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``n`` training statements, ``n`` statements to suggest for), drawn with replacement."""
    rows = np.random.default_rng(seed).integers(0, len(table), size=2 * n)
    return table.iloc[rows[:n]].reset_index(drop=True), table.iloc[rows[n:]].reset_index(drop=True)


def timed(work) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def run(data: Data, n: int, repeat: int, seed: int) -> dict[str, tuple[float, float]]:
    """Median (CPU, wall) seconds of training and of suggesting, over ``repeat`` runs."""
    codebook = load_codebook(data)
    codes, functions = code_ids(codebook), statement_function_ids(codebook)
    coding = coding_table(data)
    section_function = read_section_functions(data)
    table = sg.consensus_table(load_contributions(data), coding[coding["coder"] == CONSENSUS], codes, functions, section_function)
    training, targets = drawn(table, n, seed)
    runs: dict[str, list[tuple[float, float]]] = {"train": [], "suggest": []}
    for _ in range(repeat):
        fitted = {}
        runs["train"].append(timed(lambda: fitted.setdefault("model", sg.fit(training, codes, functions, seed))))
        runs["suggest"].append(timed(lambda: sg.suggest(fitted["model"], targets, section_function)))
    return {step: (statistics.median(c for c, _ in times), statistics.median(w for _, w in times)) for step, times in runs.items()}


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m analysis benchmark --suggest", description=__doc__.split("\n\n")[0])
    options.add_argument("--statements", type=int, default=STATEMENTS, help="statements trained on, and suggested for (default: %(default)s)")
    options.add_argument("--repeat", type=int, default=3, help="runs; medians are reported (default: %(default)s)")
    options.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the data folder whose consensus is drawn from (default: data)")
    args = options.parse_args(argv)
    if args.statements < 1 or args.repeat < 1:
        options.error("--statements and --repeat must be at least 1")
    results = run(Data(args.data_dir), args.statements, args.repeat, DEFAULT_SEED)
    print(f"{sg.MODEL_NAME} {sg.MODEL_VERSION}, medians over {args.repeat} run(s), {args.statements:,} statements "
          f"drawn from the consensus of {args.data_dir}:")
    for step, (cpu, wall) in results.items():
        print(f"  {step:<8} CPU {cpu:6.2f} s   wall {wall:6.2f} s")
    return 0
