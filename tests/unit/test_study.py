"""open_study shapes the fixture data by the parameters, as a notebook receives it."""

import pytest

from analysis.params import ParameterError
from analysis.coding.codebook import restrict_codebook
from analysis.study import available_comparisons, open_study, scope_phrase
from analysis.params import PARAMETERS, check_parameters

FIXTURE = {"data_dir": "tests/fixtures/data", "min_cell_n": 2, "seed": 1, "n_bootstrap": 50}


def test_sources_filter_contributions_and_coding_and_not_codable_is_not_counted():
    study = open_study({**FIXTURE, "sources": ["changing_lives_2006"], "tables_dir": "ignored"})
    assert set(study.contributions["source_id"]) == {"fixture_review"}
    assert len(study.contributions) == 7
    assert set(study.coding["contribution_id"]) <= set(study.contributions["contribution_id"])
    assert list(study.presence.columns) == ["relationships", "workforce", "voice"]
    # FX-rev-str-01 is coded only not_codable: a row of zeros, still in the denominator.
    assert study.presence.loc["FX-rev-str-01"].sum() == 0 and len(study.presence) == 7


def test_levels_change_columns_and_groups():
    study = open_study({**FIXTURE, "group_level": "sector", "theme_level": "code"})
    assert "not_codable" not in study.presence.columns and "listening" in study.presence.columns
    assert study.group_column == "speaker_sector"
    assert set(study.groups) == {"service_users_and_carers", "practice", "education", "management_and_workforce", "government_review"}
    assert study.labels["lancaster_2012"] == "Lancaster 2012" and study.labels["workload"].startswith("Manageable")
    assert study.is_fixture


def test_a_data_folder_is_a_fixture_only_when_it_says_so(tmp_path):
    import shutil

    from analysis.paths import PROJECT_ROOT
    from analysis.study import INVENTED_NOTE

    copy = shutil.copytree(PROJECT_ROOT / FIXTURE["data_dir"], tmp_path / "fixtures" / "data")
    (copy / INVENTED_NOTE).unlink()
    assert not open_study({**FIXTURE, "data_dir": str(copy)}).is_fixture


def test_notebook_parameters_are_checked_like_a_profile():
    with pytest.raises(ParameterError, match="parameter 'group_level' is 'team'"):
        open_study({**FIXTURE, "group_level": "team"})


def test_voice_and_subject_comparisons_come_from_the_groups_file_and_need_both_sides():
    study = open_study(FIXTURE)
    comparisons = study.voice_subject_comparisons
    assert [voices for voices, _ in comparisons.values()] == [["service_users_carers"], ["practitioners_vd_1"]]
    first_set = study.source_sets[0]
    assert open_study({**FIXTURE, "sources": [first_set]}).voice_subject_comparisons == {}
    only_voices = {"n": {"voices": ["service_users_carers"], "subjects": ["nobody"]}}
    assert available_comparisons(study.contributions, only_voices) == {}


def test_a_notebook_namespace_passes_every_parameter_and_nothing_else():
    namespace = {**FIXTURE, "min_source_n": 6, "tables_dir": "t", "pd": object(), "sources": ["all"]}
    study = open_study(namespace)
    assert set(study.parameters) == set(PARAMETERS)
    assert study.parameters["min_source_n"] == 6 and study.parameters["theme_level"] == PARAMETERS["theme_level"].default


def test_source_sets_smaller_than_min_source_n_are_reported_not_compared():
    study = open_study(FIXTURE)
    sizes = study.source_set_sizes
    assert list(sizes) == study.source_sets and sum(sizes.values()) == len(study.contributions)
    cut = sorted(sizes.values())[1]  # keeps all but the smallest set
    smaller = open_study({**FIXTURE, "min_source_n": cut})
    assert smaller.small_source_sets == [name for name, n in sizes.items() if n < cut] != []
    assert smaller.compared_source_sets == [name for name, n in sizes.items() if n >= cut]


def test_the_scope_names_the_selected_source_sets_by_their_labels():
    study = open_study(FIXTURE)
    labels = [study.labels[name] for name in study.source_sets]
    assert scope_phrase(study.parameters, study.data) == f"{', '.join(labels[:-1])} and {labels[-1]} compared"
    one = check_parameters({**FIXTURE, "sources": [study.source_sets[0]]})
    assert scope_phrase(one, study.data) == f"{labels[0]} only"


def test_restrict_codebook_drops_themes_left_empty():
    codebook = {"version": "1", "themes": [{"id": "a"}, {"id": "b"}], "codes": [{"id": "x", "theme": "a"}, {"id": "y", "theme": "b"}]}
    assert restrict_codebook(codebook, ["x"])["themes"] == [{"id": "a"}]
