"""The registered comparisons as functions of the opened study (:class:`analysis.study.Study`).

Each returns its table, or its tables by name (none when the run holds nothing to compare), with
the run's parameters taken from the study. What several comparisons share (the groups shown, the
lists, the statement functions counted) is one function here, computed again by each comparison
that needs it: it is cheap, and each comparison stands alone.
"""

from __future__ import annotations

import pandas as pd

from analysis.compare import comparisons as compare
from analysis.coding.functions import function_roles
from analysis.compare import positions
from analysis.evidence.robustness import Settings, load_settings
from analysis.evidence.audit import contribution_counts, list_ids

MIN_SHARED = 3  # a co-occurrence link needs at least this many contributions carrying both codes


def prevalence_by_group(study) -> pd.DataFrame:
    """Each group's share of contributions carrying each item, with Wilson intervals; groups
    smaller than ``min_cell_n`` marked suppressed."""
    return compare.suppress_small(compare.prevalence_with_ci(study.presence, study.groups), study.parameters["min_cell_n"])


def shown_prevalence(study) -> pd.DataFrame:
    """The prevalence of the groups shown (not suppressed)."""
    prevalence = prevalence_by_group(study)
    return prevalence[~prevalence["suppressed"]]


def contributions_by_source_section(study) -> pd.DataFrame:
    """Contributions per source set, source and section, with each row's share (the data audit)."""
    return contribution_counts(study.contributions, ["source_set", "source_id", "section"])


def contributions_by_group(study) -> pd.DataFrame:
    """Contributions per speaker sector and group, with each row's share (the data audit)."""
    return contribution_counts(study.contributions, ["speaker_sector", "speaker_group"])


def counted_groups(study) -> pd.Series:
    """The grouping of the contributions whose group is shown: the groups tests and similarities compare."""
    return study.groups[study.groups.isin(shown_prevalence(study)[study.group_column].unique())]


def list_settings(study) -> tuple[Settings, pd.Series]:
    """The robustness settings and each contribution's list, by which whole lists are resampled."""
    settings = load_settings(study.data)
    columns = [c for c in settings.list_columns if c in study.contributions.columns]
    return settings, list_ids(study.contributions, columns)


def framework_matrix(study) -> pd.DataFrame:
    """Group x item: contributions carrying it, their share, ids and a typical quote; small groups suppressed."""
    matrix = compare.framework_matrix(study.contributions, study.presence, study.group_column)
    return compare.suppress_small(matrix, study.parameters["min_cell_n"])


def representation_tests(study) -> pd.DataFrame:
    """Over- and under-representation per item among the groups shown, shuffling statements and whole lists."""
    groups, p = counted_groups(study), study.parameters
    presence = study.presence.loc[groups.index]
    tests = compare.representation_tests(presence, groups, n_permutations=p["n_bootstrap"], seed=p["seed"])
    by_list = compare.representation_tests_by_list(presence, groups, list_settings(study)[1],
                                                   n_permutations=p["n_bootstrap"], seed=p["seed"])
    return tests.merge(by_list, on=tests.columns[1], how="left")


def group_similarity(study) -> dict[str, pd.DataFrame]:
    """Cosine similarity of the shown groups' profiles and Jaccard similarity of equal-sized draws, group by group."""
    groups, p = counted_groups(study), study.parameters
    presence = study.presence.loc[groups.index]
    cosine = compare.group_similarity_cosine(compare.share_profile(presence, groups))
    jaccard = compare.group_similarity_jaccard(presence, groups, n_per_group=p["min_cell_n"],
                                               n_draws=max(20, p["n_bootstrap"] // 20), seed=p["seed"])
    return {"group_similarity_cosine": cosine.reset_index(), "group_similarity_jaccard": jaccard.reset_index()}


def statement_functions(study) -> tuple[pd.DataFrame, pd.Series]:
    """Whether coded statement functions count (only once a blind test passes; those fixed by a
    section's heading always do), and each contribution's counted function."""
    status = positions.function_status(study.data, study.contributions, study.coding, study.codebook)
    functions = positions.counted_functions(study.contributions, study.coding, study.codebook, study.data,
                                            bool(status["coded_counted"].iloc[0]))
    return status, functions


def positions_tables(study) -> dict[str, pd.DataFrame]:
    """The statement functions' status and counts by group, and what each group said about each item."""
    status, functions = statement_functions(study)
    function_ids = [f["id"] for f in study.codebook.get("statement_functions", [])]
    by_group = positions.positions_by_group(study.presence, study.contributions, functions, study.group_column)
    return {"statement_function_status": status,
            "statement_functions_by_group": positions.function_counts(functions, study.contributions, study.group_column, function_ids),
            "positions_by_group": by_group, "positions_summary": positions.positions_summary(by_group, function_roles(study.codebook))}


def oppositions(study) -> dict[str, pd.DataFrame]:
    """Contrasting judgements by rule, opposing statements by judgement, and deviant cases."""
    functions, roles = statement_functions(study)[1], function_roles(study.codebook)
    column = study.group_column
    return {"contrasting_judgements": positions.contrasting_judgements(study.presence_at("code"), study.contributions, functions, column, roles),
            "opposing_statements": positions.opposing_statements(study.data, study.contributions, column),
            "deviant_cases": positions.deviant_cases(study.presence, study.contributions, functions, column, roles)}


def correspondence(study) -> compare.CorrespondenceAnalysis:
    """Correspondence analysis of the shown groups' counts per item."""
    shown = shown_prevalence(study)
    return compare.correspondence_analysis(shown.pivot(index=study.group_column, columns=shown.columns[1], values="n").fillna(0))


def correspondence_inertia(study) -> pd.DataFrame:
    """The inertia each dimension of the correspondence analysis holds."""
    return correspondence(study).inertia.reset_index()


def source_pairs(study) -> list[tuple[str, str]]:
    """Every pair of compared source sets, in the vocabulary's order."""
    sets = study.compared_source_sets
    return [(a, b) for i, a in enumerate(sets) for b in sets[i + 1:]]


def pair_differences(study) -> list[pd.DataFrame]:
    """Per pair of source sets, each item's difference in share with a bootstrap interval over statements."""
    p = study.parameters
    return [compare.prevalence_difference_bootstrap(study.presence, study.contributions, a, b, n_boot=p["n_bootstrap"], seed=p["seed"])
            for a, b in source_pairs(study)]


def source_differences(study) -> dict[str, pd.DataFrame]:
    """Every pair's differences, with beside each interval one from whole lists (or why there is none);
    none when fewer than two source sets are compared."""
    differences = pair_differences(study)
    if not differences:
        return {}
    (settings, lists), p = list_settings(study), study.parameters
    by_list = pd.concat([compare.prevalence_difference_by_list(study.presence, study.contributions, lists, a, b, n_boot=p["n_bootstrap"],
                                                               seed=p["seed"], min_clusters=settings.min_clusters, labels=study.labels)
                         .assign(source_a=a, source_b=b) for a, b in source_pairs(study)], ignore_index=True)
    merged = pd.concat(differences, ignore_index=True).merge(by_list, on=["source_a", "source_b", study.presence.columns.name], how="left")
    return {"source_differences": merged}


def voice_vs_subject(study) -> dict[str, pd.DataFrame]:
    """What groups said themselves against what was written about them, per comparison the run holds; none without one."""
    tables = [compare.voice_vs_subject(study.presence, study.contributions, voices, about, comparison=name)
              for name, (voices, about) in study.voice_subject_comparisons.items()]
    return {"voice_vs_subject": pd.concat(tables, ignore_index=True)} if tables else {}


def code_cooccurrence(study) -> pd.DataFrame:
    """Pairs of codes carried together by at least :data:`MIN_SHARED` contributions."""
    return compare.cooccurrence(study.presence_at("code"), min_count=MIN_SHARED)
