"""Run profiles are checked before anything runs: unknown names, wrong types, empty selections."""

from pathlib import Path

import pytest

from analysis.evidence.data import Data
from analysis.params import PARAMETERS, ParameterError, check_parameters, load_profile
from analysis.paths import PARAMS_DIR


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    sources = tmp_path / "data" / "sources"
    sources.mkdir(parents=True)
    (sources / "sources.csv").write_text(
        "source_id,source_set\nalpha_2012,set_a\nbeta_2012,set_a\ngamma_2006,set_b\n", encoding="utf-8"
    )
    return tmp_path / "data"


def test_defaults_fill_every_parameter(data_dir):
    values = check_parameters({"data_dir": str(data_dir)})
    assert set(values) == set(PARAMETERS)
    assert values["sources"] == ["alpha_2012", "beta_2012", "gamma_2006"]


def test_source_sets_and_ids_resolve_to_ids_in_catalogue_order(data_dir):
    values = check_parameters({"data_dir": str(data_dir), "sources": ["gamma_2006", "set_a"]})
    assert values["sources"] == ["alpha_2012", "beta_2012", "gamma_2006"]
    assert check_parameters({"data_dir": str(data_dir), "sources": ["set_b"]})["sources"] == ["gamma_2006"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"colour": "red"}, "unknown parameter 'colour'; allowed: profile, description"),
        ({"min_cell_n": "five"}, "parameter 'min_cell_n' must be an integer, got 'five'"),
        ({"min_cell_n": True}, "parameter 'min_cell_n' must be an integer"),
        ({"min_cell_n": 0}, "parameter 'min_cell_n' is 0; allowed: an integer of at least 1"),
        ({"group_level": "team"}, "parameter 'group_level' is 'team'; allowed: group, sector"),
        ({"sources": ["delta"]}, "parameter 'sources' names 'delta', which selects no source; allowed: all, set_a, set_b, alpha_2012"),
        ({"sources": []}, "parameter 'sources' selects nothing"),
        ({"sources": "all"}, "parameter 'sources' must be a list"),
    ],
)
def test_bad_values_stop_with_one_line_naming_the_parameter(data_dir, raw, expected):
    with pytest.raises(ParameterError) as caught:
        check_parameters({"data_dir": str(data_dir), **raw}, where="params/x.yaml")
    message = str(caught.value)
    assert message.startswith("params/x.yaml: ")
    assert expected in message
    assert "\n" not in message


def test_missing_data_folder_is_named(tmp_path):
    with pytest.raises(ParameterError, match="parameter 'data_dir' is .*which has no sources/sources.csv"):
        check_parameters({"data_dir": str(tmp_path / "nowhere")})


def test_profile_file_errors(tmp_path):
    with pytest.raises(ParameterError, match="no such parameter file"):
        load_profile(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources: [all\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_profile(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="expected a mapping"):
        load_profile(listed)


@pytest.mark.parametrize("profile", sorted(PARAMS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_profile_is_valid(profile):
    values = load_profile(profile)
    assert values["profile"] == profile.stem
    assert values["sources"]


FIXTURE_DATA = "tests/fixtures/data"


@pytest.mark.parametrize(("content", "expected"), [
    ("", "is empty"),
    ("   \n\n", "is empty"),
    ("# only a comment\n", "expected a mapping of parameter names to values"),
    ("{}\n", "names no parameters"),
    ("profile: x\nsources: [all\n", "not valid YAML at line 3, column 1: "),
    ("profile: x\n  bad: indent\n", "not valid YAML at line 2, column 6: "),
])
def test_empty_or_broken_profiles_are_refused_on_one_line(tmp_path, content, expected):
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_profile(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_min_cell_n_that_leaves_fewer_than_two_groups_is_refused_naming_it(tmp_path):
    from analysis.evidence.loaders import load_contributions

    sizes = load_contributions(Data(FIXTURE_DATA)).value_counts("speaker_group")
    path = tmp_path / "p.yaml"
    path.write_text(f"profile: x\ndata_dir: {FIXTURE_DATA}\nmin_cell_n: {int(sizes.iloc[1]) + 1}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=rf"parameter 'min_cell_n' is {int(sizes.iloc[1]) + 1}, .*allowed: at most {int(sizes.iloc[1])} "):
        load_profile(path)
    path.write_text(f"profile: x\ndata_dir: {FIXTURE_DATA}\nmin_cell_n: {int(sizes.iloc[1])}\n", encoding="utf-8")
    assert load_profile(path)["min_cell_n"] == int(sizes.iloc[1])


def test_sources_that_leave_a_single_group_are_refused_naming_the_parameter(tmp_path):
    from analysis.evidence.loaders import load_contributions

    contributions = load_contributions(Data(FIXTURE_DATA))
    per_source = contributions.groupby("source_id")["speaker_group"].nunique()
    lone = per_source[per_source == 1].index[0]
    path = tmp_path / "p.yaml"
    path.write_text(f"profile: x\ndata_dir: {FIXTURE_DATA}\nsources: [{lone}]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="parameter 'sources' leaves one group"):
        load_profile(path)


def test_a_catalogue_with_a_byte_order_mark_and_windows_line_ends_reads_like_any_other(data_dir):
    catalogue = data_dir / "sources" / "sources.csv"
    catalogue.write_bytes(b"\xef\xbb\xbf" + catalogue.read_bytes().replace(b"\n", b"\r\n"))
    assert check_parameters({"data_dir": str(data_dir), "sources": ["set_b"]})["sources"] == ["gamma_2006"]


def test_the_readme_parameter_table_is_the_one_made_from_the_definitions():
    from analysis.params import parameters_markdown
    from analysis.paths import PROJECT_ROOT

    assert parameters_markdown() in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
