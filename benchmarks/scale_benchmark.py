"""How the analysis grows with the data: synthetic data in this project's format, timed step by step.

``python -m analysis benchmark --scale`` writes, for each size (default 10^3 to 10^6
contributions), a synthetic data folder in a temporary directory: four sources, twenty
speaker groups, fifty codes in eight themes (with not_codable's, as many as the palette has colours), about 1.5 codes per contribution, a reliability
sample of a quarter with a second coder who differs on a tenth of it, every disagreement
logged, nine facilitator action themes with example actions under them, and a crosswalk.
It then runs each step of the analysis on it as the notebooks do (code level, speaker
groups, the default profile's resamples and seed) and prints, per step, CPU seconds, wall
seconds and peak resident memory, and each step's growth exponent between the two largest
sizes (CPU seconds; 1 is linear). The synthetic texts are random words: they exercise the
checks and the arithmetic, not the findings.

Peak memory is the process's peak resident set during the step (Linux: the peak is reset
before each step through ``/proc/self/clear_refs``); it includes the data already loaded.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.coding.codebook import NOT_CODABLE
from analysis.evidence.vocabulary import CONSENSUS, FIRST_CODER
from analysis.paths import DATA_DIR

SIZES = (1_000, 10_000, 100_000, 1_000_000)
BRIEFING_FILES = ("robustness.yaml", "methods.md.j2", "srqr.csv", "NOTES.md")  # copied from the real data: the build reads them
N_GROUPS, N_CODES, N_THEMES, N_ACTION_THEMES = 20, 50, 8, 9
CODES_PER_CONTRIBUTION = {1: 0.6, 2: 0.3, 3: 0.1}  # mean 1.5
NOT_CODABLE_SHARE = 0.02
SAMPLE_FRACTION = 0.25
CODER_B_DIFFERS = 0.10
TARGET_SECONDS, TARGET_GIB, TARGET_EXPONENT = 30.0, 4.0, 1.1
WORDS = tuple(
    "social work practice people services time support families community trust relationships "
    "training learning students managers carers children adults voice change future values "
    "rights care risk recording caseloads prevention partnership respect listening skills "
    "public image policy funding early help outcomes reflection supervision research teams".split()
)
#: Sources: id, source set, contribution id prefix, sections (each with its share of the source).
SOURCES = (
    ("synthetic_workshop", "lancaster_2012", "SW", {"contribution": 0.5, "need": 0.5}),
    ("synthetic_visioning", "lancaster_2012", "SV", {"vision": 0.6, "example_action": 0.4}),
    ("synthetic_review", "changing_lives_2006", "SR", {"strength": 0.3, "challenge": 0.3, "aspiration": 0.4}),
    ("synthetic_voices", "voices_2016", "SX", {"prose": 0.5, "reply": 0.5}),
)


# --- synthetic data ------------------------------------------------------------------------


def _write_yaml(path: Path, content: dict) -> None:
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _texts(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` sentences of 6 to 14 random words."""
    lengths = rng.integers(6, 15, size=n)
    words = np.array(WORDS)[rng.integers(0, len(WORDS), size=int(lengths.sum()))].tolist()
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [" ".join(words[a:b]).capitalize() + "." for a, b in zip(starts, ends)]


def _contributions(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Contribution rows (without offsets): sources, sections, groups, parents and texts."""
    share = np.array([0.25, 0.25, 0.25, 0.25])
    sizes = rng.multinomial(n - N_ACTION_THEMES, share)
    group_weights = 1 / np.arange(1, N_GROUPS + 1) ** 0.7
    subject_groups = ["people_who_use_services", "carers", "social_service_workers", "employing_organisations"]
    frames = []
    for (source_id, _, prefix, sections), size in zip(SOURCES, sizes):
        rows = pd.DataFrame({"source_id": source_id, "section": rng.choice(list(sections), size=size, p=list(sections.values()))})
        rows["speaker_group"] = [f"group_{g:02d}" for g in rng.choice(N_GROUPS, size=size, p=group_weights / group_weights.sum()) + 1]
        rows["subject_group"] = np.where(rows["section"] == "aspiration", rng.choice(subject_groups, size=size), None)
        if prefix == "SV":
            themes = pd.DataFrame({"source_id": source_id, "section": "action_theme", "speaker_group": "group_20", "subject_group": None},
                                  index=range(N_ACTION_THEMES))
            themes["contribution_id"] = [f"SV-theme-{i:02d}" for i in range(1, N_ACTION_THEMES + 1)]
            rows["contribution_id"] = [f"SV-{i:07d}" for i in range(1, size + 1)]
            rows["parent_id"] = np.where(rows["section"] == "example_action", rng.choice(themes["contribution_id"], size=size), None)
            rows = pd.concat([themes, rows], ignore_index=True)
        else:
            rows["contribution_id"] = [f"{prefix}-{i:07d}" for i in range(1, size + 1)]
        frames.append(rows)
    frame = pd.concat(frames, ignore_index=True)
    frame["speaker_label"] = frame["speaker_group"].str.replace("group_", "Group ", regex=False)
    frame["list_position"] = frame.groupby(["source_id", "section"]).cumcount() + 1
    frame["text"] = _texts(rng, len(frame))
    return frame


def _write_sources(folder: Path, contributions: pd.DataFrame) -> pd.DataFrame:
    """Each source's text (its contributions, one per line) and sources.csv; offsets added."""
    (folder / "sources").mkdir(parents=True)
    starts = np.zeros(len(contributions), dtype=np.int64)
    records = []
    for source_id, source_set, _, _ in SOURCES:
        rows = np.flatnonzero((contributions["source_id"] == source_id).to_numpy())
        heading = f"Synthetic source {source_id}\n"
        lengths = contributions["text"].to_numpy()[rows]
        lengths = np.fromiter((len(t) for t in lengths), dtype=np.int64, count=len(rows))
        starts[rows] = len(heading) + np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        data = (heading + "\n".join(contributions["text"].to_numpy()[rows]) + "\n").encode("utf-8")
        (folder / "sources" / f"{source_id}.txt").write_bytes(data)
        records.append({
            "source_id": source_id, "seed_file": f"{source_id}.txt", "title": f"Synthetic {source_id}",
            "author_or_organisation": "Synthetic", "publisher": "Synthetic", "date": "2012", "date_note": "Synthetic.",
            "kind": "workshop report", "place": "Nowhere", "source_set": source_set, "citation": "Synthetic data.",
            "licence_note": "Synthetic data.", "sha256": hashlib.sha256(data).hexdigest(),
        })
    pd.DataFrame(records).to_csv(folder / "sources" / "sources.csv", index=False, lineterminator="\n")
    lengths = contributions["text"].str.len().to_numpy()
    return contributions.assign(char_start=starts, char_end=starts + lengths)


def _codebook(real: dict, contributions: pd.DataFrame, coding: pd.DataFrame) -> dict:
    """Fifty codes in eight themes and not_codable; each example a contribution carrying its code."""
    examples = coding[coding["coder"] == CONSENSUS].drop_duplicates("code_id").set_index("code_id")["contribution_id"]
    first = contributions["contribution_id"].iloc[N_ACTION_THEMES]
    themes = [{"id": f"theme_{t:02d}", "label": f"Theme {t}", "description": f"Synthetic theme {t}."} for t in range(1, N_THEMES + 1)]
    themes.append({"id": "none", "label": "Not codable", "description": "Units with no codable view."})
    codes = []
    for c in range(1, N_CODES + 1):
        code = f"code_{c:02d}"
        codes.append({"id": code, "label": f"Code {c}", "theme": f"theme_{(c - 1) % N_THEMES + 1:02d}",
                      "brief_definition": "Synthetic.", "full_definition": "Synthetic.", "use_when": "Synthetic.",
                      "do_not_use_when": "Synthetic.", "example": str(examples.get(code, first)), "origin": "inductive"})
    codes.append({"id": "not_codable", "label": "Not codable", "theme": "none", "brief_definition": "Synthetic.",
                  "full_definition": "Synthetic.", "use_when": "Synthetic.", "do_not_use_when": "Synthetic.",
                  "example": str(examples.get("not_codable", first)), "origin": "inductive"})
    functions = [{**function, "example": first} for function in real.get("statement_functions") or []]
    return {"version": "synthetic", "date": "2012-03-29",
            "changelog": [{"version": "synthetic", "date": "2012-03-29", "changes": "Synthetic codebook.", "reason": "Scale benchmark."}],
            "coding_rules": real.get("coding_rules", []), "statement_functions": functions, "themes": themes, "codes": codes}


def _codes(rng: np.random.Generator, contributions: pd.DataFrame) -> pd.DataFrame:
    """coder_a's codes: 1-3 per contribution, drawn with preferences that differ by group."""
    n = len(contributions)
    counts = rng.choice(list(CODES_PER_CONTRIBUTION), size=n, p=list(CODES_PER_CONTRIBUTION.values()))
    owner = np.repeat(np.arange(n), counts)
    group = contributions["speaker_group"].str[-2:].astype(int).to_numpy() - 1
    preference = rng.gamma(1.0, size=(N_GROUPS, N_CODES)) / np.arange(1, N_CODES + 1) ** 0.5
    cumulative = np.cumsum(preference / preference.sum(axis=1, keepdims=True), axis=1)
    codes = (rng.random(len(owner))[:, None] > cumulative[group[owner]]).sum(axis=1)
    pairs = pd.DataFrame({"row": owner, "code": np.minimum(codes, N_CODES - 1)}).drop_duplicates()
    uncodable = rng.random(n) < NOT_CODABLE_SHARE
    pairs = pairs[~uncodable[pairs["row"]]]
    pairs = pd.concat([pairs, pd.DataFrame({"row": np.flatnonzero(uncodable), "code": -1})]).sort_values("row", kind="stable")
    names = np.array([f"code_{c:02d}" for c in range(1, N_CODES + 1)] + ["not_codable"])
    return pd.DataFrame({"contribution_id": contributions["contribution_id"].to_numpy()[pairs["row"]], "code_id": names[pairs["code"]]})


def _second_coder(rng: np.random.Generator, coder_a: pd.DataFrame, sample: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """coder_b's coding of the sample (coder_a's, with one code swapped on a tenth of it) and
    the reconciliation log of every disagreement (coder_a's decision kept)."""
    in_sample = coder_a[coder_a["contribution_id"].isin(sample)]
    differing = set(rng.choice(sample, size=int(len(sample) * CODER_B_DIFFERS), replace=False))
    codes_of: dict[str, list[str]] = {}
    for cid, code in zip(in_sample["contribution_id"], in_sample["code_id"]):
        codes_of.setdefault(cid, []).append(code)
    rows, log = [], []
    for cid in sample:
        codes = codes_of.get(cid, [])
        if cid in differing and codes and codes[0] != NOT_CODABLE:
            number = int(codes[0][-2:])
            swapped = next(f"code_{(number + k - 1) % N_CODES + 1:02d}" for k in range(1, N_CODES) if f"code_{(number + k - 1) % N_CODES + 1:02d}" not in codes)
            log += [(cid, codes[0], "present", "absent", "present"), (cid, swapped, "absent", "present", "absent")]
            codes = [swapped, *codes[1:]]
        rows += [(cid, code) for code in codes]
    coder_b = pd.DataFrame(rows, columns=["contribution_id", "code_id"])
    reconciliation = pd.DataFrame(log, columns=["contribution_id", "code_id", "coder_a", "coder_b", "decision"])
    reconciliation["reason"] = "Synthetic: coder_a's decision kept."
    return coder_b, reconciliation


def _functions(rng: np.random.Generator, contributions: pd.DataFrame, section_function: dict, function_ids: list[str]) -> pd.DataFrame:
    """One coded statement function for each contribution of a section that leaves it open."""
    open_rows = contributions[contributions["section"].map(section_function).isna()]
    return pd.DataFrame({"contribution_id": open_rows["contribution_id"].to_numpy(),
                         "code_id": rng.choice(function_ids, size=len(open_rows))})


def write_synthetic_data(folder: Path, n: int, seed: int, real_dir: Path = DATA_DIR) -> Path:
    """A data folder of ``n`` synthetic contributions in this project's format (see the module
    docstring); the vocabulary, the statement functions and the files only the briefing reads
    (:data:`BRIEFING_FILES`) are the real data's."""
    from analysis.coding.coding_table import write_coding
    from analysis.coding.sample import draw_reliability_sample
    from analysis.coding.functions import read_section_functions, statement_function_ids
    from analysis.evidence.data import Data

    folder = Path(folder)
    rng = np.random.default_rng(seed)
    (folder / "reliability").mkdir(parents=True)
    for name in ("vocabulary.yaml", *BRIEFING_FILES):
        (folder / name).write_bytes((real_dir / name).read_bytes())
    real_groups = yaml.safe_load((real_dir / "groups.yaml").read_text(encoding="utf-8"))
    sectors = [s for s in ("practice", "service_users_and_carers", "education", "management_and_workforce", "voluntary_sector")]
    speaker_groups = {f"group_{g:02d}": {"short_label": f"Group {g}", "labels": [f"Group {g:02d}"], "description": "Synthetic.",
                                         "sector": sectors[(g - 1) % len(sectors)], "kind": "group"} for g in range(1, N_GROUPS + 1)}
    _write_yaml(folder / "groups.yaml", {"speaker_groups": speaker_groups, "subject_groups": real_groups["subject_groups"]})

    contributions = _write_sources(folder, _contributions(rng, n))
    columns = ["contribution_id", "source_id", "section", "speaker_group", "speaker_label", "subject_group", "mixed_group",
               "list_position", "parent_id", "text", "char_start", "char_end"]
    contributions.reindex(columns=columns).to_csv(folder / "contributions.csv", index=False, lineterminator="\n")

    real_codebook = yaml.safe_load((real_dir / "codebook.yaml").read_text(encoding="utf-8"))
    function_ids = statement_function_ids(real_codebook)
    coder_a = _codes(rng, contributions)
    sample = draw_reliability_sample(contributions, SAMPLE_FRACTION, seed)
    coder_b, reconciliation = _second_coder(rng, coder_a, sample)
    functions = _functions(rng, contributions, read_section_functions(Data(folder)), function_ids)
    coding = pd.concat([coder_a.assign(coder=FIRST_CODER), functions.assign(coder=FIRST_CODER), coder_b.assign(coder="coder_b"),
                        coder_a.assign(coder=CONSENSUS), functions.assign(coder=CONSENSUS)], ignore_index=True)
    coding["memo"] = ""
    write_coding(coding, folder / "coding.csv")
    pd.DataFrame({"contribution_id": sample}).to_csv(folder / "reliability" / "sample.csv", index=False, lineterminator="\n")
    _write_yaml(folder / "reliability" / "tests.yaml", {"tests": [{
        "id": "synthetic", "codebook_version": "1.0", "sample": "reliability/sample.csv", "reference": FIRST_CODER,
        "second_coder": "coder_b", "current": True, "blind": True, "note": "Synthetic."}]})
    reconciliation.to_csv(folder / "reliability" / "reconciliation.csv", index=False, lineterminator="\n")
    _write_yaml(folder / "codebook.yaml", _codebook(real_codebook, contributions, coding))
    theme_ids = [f"SV-theme-{i:02d}" for i in range(1, N_ACTION_THEMES + 1)]
    crosswalk = pd.DataFrame({"code_id": [f"code_{c:02d}" for c in range(1, N_CODES + 1)] + ["not_codable"]})
    crosswalk["facilitator_theme_id"] = [theme_ids[c % N_ACTION_THEMES] if c < 3 * N_ACTION_THEMES else "" for c in range(N_CODES + 1)]
    crosswalk["note"] = "Synthetic."
    crosswalk.to_csv(folder / "crosswalk_facilitator_themes.csv", index=False, lineterminator="\n")
    return folder


# --- the steps -------------------------------------------------------------------------------


def _validate(state: dict) -> None:
    import analysis.coding.checks  # noqa: F401  (registers the coding checks)
    from analysis.evidence.data import Data
    from analysis.evidence.validate import validate_all

    problems = validate_all(Data(state["data_dir"]))
    if problems:
        raise RuntimeError(f"synthetic data has {len(problems)} problem(s), e.g. {problems[0]}")


def _load(state: dict) -> None:
    from analysis.study import open_study
    from analysis.params import load_profile

    parameters = {**load_profile(state["params"]), "data_dir": str(state["data_dir"]), "sources": ["all"], "theme_level": "code", "group_level": "group"}
    state["study"] = open_study(parameters)
    state["parameters"] = state["study"].parameters


def _comparison(run: Callable[[dict], object], key: str) -> Callable[[dict], None]:
    def step(state: dict) -> None:
        state[key] = run(state)
    return step


def _shown_groups(state: dict) -> tuple[pd.DataFrame, pd.Series]:
    study, min_n = state["study"], state["parameters"]["min_cell_n"]
    counts = study.groups.value_counts()
    kept = study.groups[study.groups.isin(counts.index[counts >= min_n])]
    return study.presence.loc[kept.index], kept


def _framework(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    study = state["study"]
    return compare.suppress_small(compare.framework_matrix(study.contributions, study.presence, study.group_column), state["parameters"]["min_cell_n"])


def _prevalence(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    study = state["study"]
    return compare.suppress_small(compare.prevalence_with_ci(study.presence, study.groups), state["parameters"]["min_cell_n"])


def _representation(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    presence, groups = _shown_groups(state)
    return compare.representation_tests(presence, groups, n_permutations=state["parameters"]["n_bootstrap"], seed=state["parameters"]["seed"])


def _cosine(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    return compare.group_similarity_cosine(compare.share_profile(*_shown_groups(state)))


def _jaccard(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    p = state["parameters"]
    return compare.group_similarity_jaccard(*_shown_groups(state), n_per_group=p["min_cell_n"], n_draws=max(20, p["n_bootstrap"] // 20), seed=p["seed"])


def _correspondence(state: dict):
    from analysis.compare import comparisons as compare

    prevalence = state["prevalence"]
    shown = prevalence[~prevalence["suppressed"]]
    return compare.correspondence_analysis(shown.pivot(index=shown.columns[0], columns=shown.columns[1], values="n").fillna(0))


def _by_source(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    return compare.themes_by_source_set(state["study"].presence, state["study"].contributions)


def _source_differences(state: dict) -> list[pd.DataFrame]:
    from analysis.compare import comparisons as compare

    study, p = state["study"], state["parameters"]
    sets = sorted(study.contributions["source_set"].unique())
    return [compare.prevalence_difference_bootstrap(study.presence, study.contributions, a, b, n_boot=p["n_bootstrap"], seed=p["seed"])
            for i, a in enumerate(sets) for b in sets[i + 1:]]


def _voice_subject(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    return compare.voice_vs_subject(state["study"].presence, state["study"].contributions, ["group_01", "group_02"],
                                    ["people_who_use_services", "carers"], comparison="synthetic")


def _cooccurrence(state: dict) -> pd.DataFrame:
    from analysis.compare import comparisons as compare

    return compare.cooccurrence(state["study"].presence, min_count=3)


def _reliability(state: dict) -> None:
    from analysis.coding.functions import read_section_functions
    from analysis.coding.reliability_tables import facilitator_tables, load_tests, reliability_tables

    study, p = state["study"], state["parameters"]
    tables = reliability_tables(study.data, study.contributions, study.coding, read_section_functions(study.data),
                                p["n_bootstrap"], p["seed"])
    facilitator_tables(study.data, study.contributions, study.coding, load_tests(study.data))
    state["alpha"] = tables["theme_alpha"]


def _figures(state: dict) -> None:
    from analysis.report import figures
    from analysis.report.output import save_figure

    study, folder = state["study"], state["figures_dir"]
    labels = study.labels
    colours = figures.codebook_colours(study.codebook)
    code_themes = {code["id"]: code["theme"] for code in study.codebook["codes"]}
    drawn = {
        "prevalence_heatmap": figures.prevalence_heatmap(state["prevalence"], colours=colours, min_n=state["parameters"]["min_cell_n"], labels=labels),
        "similarity_cosine": figures.similarity_heatmap(state["cosine"], labels=labels),
        "similarity_dendrogram": figures.dendrogram_figure(state["cosine"], labels=labels),
        "similarity_jaccard": figures.similarity_heatmap(state["jaccard"], labels=labels),
        "ca_map": figures.ca_map(state["ca"], column_colours=colours, labels=labels, column_kind="code"),
        "voice_vs_subject": figures.voice_subject_figure(state["voice"], colours=colours, labels=labels),
        "cooccurrence_network": figures.cooccurrence_network(state["edges"], node_themes=code_themes,
                                                             colours=colours, labels=labels),
        "reliability_alpha": figures.alpha_forest(state["alpha"], colours=colours, labels=labels),
    }
    for i, table in enumerate(state["differences"]):
        drawn[f"source_difference_{i}"] = figures.source_comparison_figure(table, colours=colours, labels=labels)
    for name, figure in drawn.items():
        save_figure(figure, folder, name, caption="Synthetic data.", alt="Synthetic data.")


STEPS: tuple[tuple[str, Callable[[dict], None]], ...] = (
    ("validate (every check)", _validate),
    ("load (study: contributions, coding, presence)", _load),
    ("framework matrix", _comparison(_framework, "framework")),
    ("prevalence with intervals", _comparison(_prevalence, "prevalence")),
    ("representation tests", _comparison(_representation, "representation")),
    ("similarity (cosine)", _comparison(_cosine, "cosine")),
    ("similarity (Jaccard, equal-n draws)", _comparison(_jaccard, "jaccard")),
    ("correspondence analysis", _comparison(_correspondence, "ca")),
    ("codes by source set", _comparison(_by_source, "by_source")),
    ("source differences (bootstrap, 3 pairs)", _comparison(_source_differences, "differences")),
    ("voice and subject", _comparison(_voice_subject, "voice")),
    ("co-occurrence", _comparison(_cooccurrence, "edges")),
    ("reliability (alpha, disagreements, facilitators)", _reliability),
    ("figures (drawn and saved)", _figures),
)


# --- measuring -------------------------------------------------------------------------------


def _reset_peak() -> bool:
    """Reset the process's peak resident memory (Linux); False where it cannot be reset."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_bytes() -> int:
    """The process's peak resident memory since the last reset, in bytes."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(step: Callable[[dict], None], state: dict) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and peak resident bytes of one step."""
    gc.collect()
    _reset_peak()
    cpu, wall = time.process_time(), time.perf_counter()
    step(state)
    return time.process_time() - cpu, time.perf_counter() - wall, _peak_bytes()


def growth_exponent(sizes: list[int], seconds: list[float]) -> float:
    """Slope of log(seconds) on log(size) between the two largest sizes (1: linear)."""
    if len(sizes) < 2 or min(seconds[-2:]) <= 0:
        return float("nan")
    return math.log(seconds[-1] / seconds[-2]) / math.log(sizes[-1] / sizes[-2])


def _warm_imports() -> None:
    """Import what the steps use, so that no step is charged for it."""
    import analysis.coding.checks  # noqa: F401
    import analysis.coding.reliability  # noqa: F401
    import analysis.study  # noqa: F401
    import analysis.report.figures  # noqa: F401
    import analysis.report.output  # noqa: F401


def run_steps(first: int, last: int, data_dir: Path, params: Path, figures_dir: Path) -> dict[str, tuple[float, float, int]]:
    """``STEPS[first:last]`` once, in order, on one data folder: CPU and wall seconds and peak memory."""
    _warm_imports()
    state = {"data_dir": data_dir, "params": params, "figures_dir": figures_dir}
    timings = {}
    for name, step in STEPS[first:last]:
        timings[name] = measure(step, state)
        cpu, wall, peak = timings[name]
        print(f"    {name}: {cpu:.2f} CPU s, {wall:.2f} s, {peak / 2**20:.0f} MiB", file=sys.stderr, flush=True)
    return timings


def run(sizes: list[int], repeat: int, params: Path, seed: int, report: Callable[[str], None] = print) -> pd.DataFrame:
    """For each size, write the synthetic data once, then ``repeat`` times validate it in one
    fresh process (as the build does) and run the analysis steps in another (as the notebooks
    do, loading the data again); one row per size x step with the median CPU and wall seconds and the largest
    peak memory."""
    rows = []
    context = multiprocessing.get_context("spawn")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="scale-") as scratch:
            started = time.perf_counter()
            data_dir = write_synthetic_data(Path(scratch) / "data", n, seed)
            report(f"{n:>9,} contributions: synthetic data written in {time.perf_counter() - started:.0f} s")
            runs = []
            for _ in range(repeat):
                timings: dict[str, tuple[float, float, int]] = {}
                for first, last in ((0, 1), (1, len(STEPS))):  # validation, then the analysis
                    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                        timings.update(pool.submit(run_steps, first, last, data_dir, params, Path(scratch) / "figures").result())
                runs.append(timings)
        rows += [{"contributions": n, "step": name, "cpu_s": statistics.median(r[name][0] for r in runs),
                  "wall_s": statistics.median(r[name][1] for r in runs), "peak_mib": max(r[name][2] for r in runs) / 2**20}
                 for name, _ in STEPS]
        gc.collect()
    return pd.DataFrame(rows)


def summary(results: pd.DataFrame) -> str:
    """The results as a text table, the growth exponents, and which targets are met."""
    sizes = sorted(results["contributions"].unique())
    lines = []
    header = f"{'step':<50}" + "".join(f"{f'{n:,}':>22}" for n in sizes) + f"{'exponent':>10}  at {sizes[-1]:,}"
    lines += [header, f"{'':<50}" + "".join(f"{'CPU s  wall s   MiB':>22}" for _ in sizes)]
    for step in dict.fromkeys(results["step"]):
        rows = results[results["step"] == step].set_index("contributions").loc[sizes]
        exponent = growth_exponent(sizes, rows["cpu_s"].tolist())
        last = rows.iloc[-1]
        met = last["cpu_s"] <= TARGET_SECONDS and last["wall_s"] <= TARGET_SECONDS and last["peak_mib"] <= TARGET_GIB * 1024 and not exponent > TARGET_EXPONENT
        cells = "".join(f"{r.cpu_s:>7.2f} {r.wall_s:>7.2f} {r.peak_mib:>6.0f}" for r in rows.itertuples())
        lines.append(f"{step:<50}{cells}{exponent:>10.2f}  {'meets targets' if met else 'MISSES a target'}")
    totals = results.groupby("contributions")[["cpu_s", "wall_s"]].sum().loc[sizes]
    lines.append(f"{'all steps':<50}" + "".join(f"{r.cpu_s:>7.2f} {r.wall_s:>7.2f} {'':>6}" for r in totals.itertuples())
                 + f"{growth_exponent(sizes, totals['cpu_s'].tolist()):>10.2f}")
    lines.append(f"Targets at the largest size: every step <= {TARGET_SECONDS:.0f} s (CPU and wall) and <= {TARGET_GIB:.0f} GiB peak; "
                 f"exponent <= {TARGET_EXPONENT} (CPU seconds, two largest sizes). Peak memory includes the data loaded.")
    return "\n".join(lines)


def scale_options(prog: str, description: str) -> argparse.ArgumentParser:
    """The options both scale benchmarks take: the sizes, the run profile and the synthetic data's seed."""
    from analysis.params import DEFAULT_SEED

    options = argparse.ArgumentParser(prog=prog, description=description)
    options.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="contributions per run (default: 10^3 to 10^6)")
    options.add_argument("--params", type=Path, default=Path("params/default.yaml"), help="profile giving resamples, seed and min_cell_n")
    options.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the synthetic data")
    return options


def main(argv: list[str] | None = None) -> int:
    options = scale_options("python -m analysis benchmark --scale", __doc__.split("\n\n")[0])
    options.add_argument("--repeat", type=int, default=1, help="runs of every step per size; medians are reported")
    args = options.parse_args(argv)
    results = run(sorted(args.sizes), args.repeat, args.params, args.seed)
    print(summary(results))
    return 0
