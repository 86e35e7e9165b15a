"""The blind test's sample, packet and key: exclusions, opacity, and the import by key."""

import shutil

import pandas as pd
import pytest

from analysis.evidence.data import Data
from analysis.coding import blind_test as bt
from analysis.coding import exposure as ex
from analysis.coding.codebook import check_codebook_overlaps, load_codebook
from analysis.coding.recorded_tests import check_frozen_references
from analysis.evidence.loaders import load_contributions, load_groups, load_sources
from analysis.evidence.vocabulary import load_vocabulary
from analysis.paths import DATA_DIR

BLIND = DATA_DIR / "reliability" / "blind_v2"


def test_quoted_phrases_and_cue_exposure():
    codebook = {"codes": [{"use_when": 'speaks of "safe caseloads now" or "it"'}], "changelog": [{"changes": '"never counted here at all"'}]}
    phrases = ex.quoted_phrases(codebook)
    assert phrases == {"safe caseloads now"}
    assert ex.cue_exposed({"A": "We want Safe caseloads now!", "B": "safe caseloads"}, phrases) == {"A"}


def test_pilot_is_every_seventh_row_from_the_fourth():
    ids = [f"X-{i:02d}" for i in range(1, 20)]
    assert bt.pilot_ids(ids) == {"X-04", "X-11", "X-18"}


def test_exclusions_name_every_reason():
    contributions = pd.DataFrame({"contribution_id": ["A-1", "A-2", "A-3", "A-4", "A-5"], "text": ["one", "two", "three", "four", "five words quoted here"]})
    codebook = {"codes": [{"example": "A-1", "use_when": 'as in "five words quoted"'}]}
    excluded = bt.exclusions(contributions, codebook, earlier_sample=["A-2", "A-4"])
    reasons = dict(zip(excluded["contribution_id"], excluded["reason"]))
    assert reasons == {"A-1": "codebook example", "A-2": "earlier sample", "A-4": "pilot; earlier sample", "A-5": "codebook cue phrase"}


def test_packet_ids_are_opaque_and_the_key_maps_them_back():
    texts = {"LW-q1-01": "alpha", "VD-ex-t6-d": "beta", "CC-r4-11": "gamma"}
    packet, key = bt.make_packet(list(texts), texts, seed=5)
    assert list(packet.columns) == ["unit_id", "text"] and list(key.columns) == ["unit_id", "contribution_id"]
    assert all(unit.startswith("U-") and len(unit) == 8 for unit in packet["unit_id"])
    assert dict(zip(key["unit_id"], key["contribution_id"].map(texts))) == dict(zip(packet["unit_id"], packet["text"]))
    assert not set(packet["unit_id"]) & set(texts)


def test_a_packet_naming_a_source_or_a_contribution_is_refused_before_anything_is_written():
    packet = pd.DataFrame({"unit_id": ["U-000001", "U-000002"], "text": ["We need time.", "Trust matters."]})
    bt.refuse_identifying(packet, {"codes": []}, {"changing_lives", "A-1"}, ["A-1"])
    with pytest.raises(ValueError, match="changing_lives"):
        bt.refuse_identifying(packet.rename(columns={"text": "changing_lives"}).assign(text=packet["text"]), {"codes": []}, {"changing_lives"}, [])
    with pytest.raises(ValueError, match="A-1"):
        bt.refuse_identifying(packet, {"codes": [{"example": "A-1"}]}, set(), ["A-1"])


def test_keyed_rows_import_verbatim_and_report_gaps():
    key = pd.DataFrame({"unit_id": ["U-1", "U-2"], "contribution_id": ["A-1", "A-2"]})
    returned = pd.DataFrame({"unit_id": ["U-1", "U-1", "U-9"], "code_id": ["x", "hope", "y"], "memo": ["", "a, b", ""]})
    rows, problems = bt.keyed_rows(returned, key, "coder_c")
    assert rows.to_dict("records")[1] == {"contribution_id": "A-1", "code_id": "hope", "coder": "coder_c", "memo": "a, b"}
    assert problems == ["unit U-9 is not in the key", "unit U-2 was not coded"]


# --- the committed packet -----------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["blind_v2", "blind_v3"])
def test_committed_packet_holds_no_identifying_field(folder):
    blind = BLIND.parent / folder
    contributions = load_contributions(Data(DATA_DIR))
    names = bt.identifying_values(contributions, load_groups(Data(DATA_DIR)), load_sources(Data(DATA_DIR)), load_vocabulary(Data(DATA_DIR)))
    packet_text = (blind / bt.PACKET_CSV).read_text(encoding="utf-8")
    packet = pd.read_csv(blind / bt.PACKET_CSV, dtype=str, keep_default_na=False)
    assert list(packet.columns) == ["unit_id", "text"]
    assert bt.identifying_hits(packet_text, packet["text"], names) == []
    given = (blind / bt.CODEBOOK_AS_GIVEN).read_text(encoding="utf-8") + (blind / bt.INSTRUCTIONS_MD).read_text(encoding="utf-8")
    assert not [cid for cid in contributions["contribution_id"] if cid in given]
    assert list(packet["unit_id"]) == sorted(packet["unit_id"])


@pytest.mark.parametrize("folder, earlier, size", [("blind_v2", ["sample.csv"], 110), ("blind_v3", ["sample.csv", "blind_v2/key.csv"], 50)])
def test_committed_sample_excludes_examples_pilot_and_earlier_samples(folder, earlier, size):
    contributions = load_contributions(Data(DATA_DIR))
    sample = set(pd.read_csv(BLIND.parent / folder / bt.KEY_CSV, dtype=str)["contribution_id"])
    assert len(sample) >= size
    assert not sample & ex.codebook_examples(load_codebook(Data(DATA_DIR)))
    assert not sample & bt.pilot_ids(list(contributions["contribution_id"]))
    for path in earlier:
        assert not sample & set(pd.read_csv(BLIND.parent / path, dtype=str)["contribution_id"])
    assert set(pd.read_csv(BLIND.parent / folder / "exclusions.csv")["contribution_id"]).isdisjoint(sample)


def test_committed_packet_matches_its_recorded_hash_and_the_key():
    packet_text = (BLIND / bt.PACKET_CSV).read_text(encoding="utf-8")
    readme = (BLIND / "README.md").read_text(encoding="utf-8")
    assert bt.sha256_text(packet_text) in readme
    packet = pd.read_csv(BLIND / bt.PACKET_CSV, dtype=str, keep_default_na=False)
    key = pd.read_csv(BLIND / bt.KEY_CSV, dtype=str)
    texts = dict(zip(load_contributions(Data(DATA_DIR))["contribution_id"], load_contributions(Data(DATA_DIR))["text"]))
    assert list(packet["text"]) == [texts[cid] for cid in key["contribution_id"]]


def test_coder_c_rows_are_the_returned_file_verbatim():
    returned = pd.read_csv(BLIND / "coder_c_returned.csv", dtype=str, keep_default_na=False)
    key = pd.read_csv(BLIND / bt.KEY_CSV, dtype=str)
    expected, problems = bt.keyed_rows(returned, key, "coder_c")
    coding = pd.read_csv(DATA_DIR / "coding.csv", dtype=str, keep_default_na=False)
    imported = coding[coding["coder"] == "coder_c"].reset_index(drop=True)
    assert problems == []
    pd.testing.assert_frame_equal(imported, expected.reset_index(drop=True))


@pytest.mark.parametrize("folder, fraction, seed, functions_only", [("blind_v2", 0.5, 20261130, False), ("blind_v3", 1.0, 20261201, True)])
def test_committed_samples_are_redrawn_exactly_from_their_recorded_exclusions(folder, fraction, seed, functions_only):
    from analysis.coding.sample import draw_reliability_sample
    from analysis.coding.functions import read_section_functions

    contributions = load_contributions(Data(DATA_DIR))
    excluded = pd.read_csv(BLIND.parent / folder / "exclusions.csv", dtype=str)
    eligible = contributions[~contributions["contribution_id"].isin(excluded["contribution_id"])]
    drawn = pd.read_csv(BLIND.parent / folder / bt.KEY_CSV, dtype=str)["contribution_id"]
    eligible = eligible[eligible["source_id"].isin(contributions.loc[contributions["contribution_id"].isin(drawn), "source_id"])]  # not sources added later
    if functions_only:
        coded = [section for section, function in read_section_functions(Data(DATA_DIR)).items() if function is None]
        eligible = eligible[eligible["section"].isin(coded)]
    sample = draw_reliability_sample(eligible, fraction, seed, strata=("source_id", "section"))
    packet, key = bt.make_packet(sample, dict(zip(contributions["contribution_id"], contributions["text"])), seed)
    assert bt.csv_text(packet) == (BLIND.parent / folder / bt.PACKET_CSV).read_text(encoding="utf-8")
    assert bt.csv_text(key) == (BLIND.parent / folder / bt.KEY_CSV).read_text(encoding="utf-8")


# --- presentation, overlaps, frozen references, the packet a person can run -----------------


@pytest.mark.parametrize("text, shown, change", [
    ("promote the value of social work;", "Promote the value of social work", "trailing ';' removed; first letter capitalised"),
    ("work to their full potential; and", "Work to their full potential", "trailing '; and' removed; first letter capitalised"),
    ("It\u2019s \u201cvital\u201d.", "It's \"vital\".", "quotes straightened"),
    ("Nothing to tidy.", "Nothing to tidy.", ""),
])
def test_presentation_view_tidies_layout_and_never_the_words(text, shown, change):
    view, recorded = ex.presentation_view(text)
    assert (view, recorded) == (shown, change)
    conjunction = ["and"] if recorded.startswith("trailing '; and'") else []  # a list's joining word goes with its ';'
    assert ex.words(view) + conjunction == ex.words(text)


def test_normalised_packet_and_key_round_trip_to_the_verbatim_texts():
    texts = {"CL-asp-1": "people who use services;", "CC-r1-01": "It\u2019s time.", "LW-q1-01": "Plain text"}
    packet, key = bt.normalised_packet(*bt.make_packet(list(texts), texts, seed=3))
    assert "people who use services;" not in set(packet["text"])
    restored = dict(zip(key["contribution_id"], packet["text"]))
    for cid, text in texts.items():  # the key leads every unit back to its verbatim text, word for word
        assert ex.words(restored[cid]) == ex.words(text)
    recorded = dict(zip(key["contribution_id"], key["presentation"]))
    assert recorded == {"CL-asp-1": "trailing ';' removed; first letter capitalised", "CC-r1-01": "quotes straightened", "LW-q1-01": ""}


def test_codebook_overlaps_find_six_words_and_whole_short_texts_and_declare_examples():
    codebook = {"version": "9", "coding_rules": ["Code what is said, as in more time with families and less paperwork today."],
                "statement_functions": [], "themes": [], "changelog": [{"changes": "more time with families and less paperwork"}],
                "codes": [{"id": "c1", "use_when": "Giving people a real voice", "example": "B"},
                          {"id": "c2", "do_not_use_when": "five words are not enough here"}]}
    texts = {"A": "We need more time with families and less paperwork", "B": "Giving people a real voice",
             "C": "Five words are not enough", "D": "Enough"}
    found = ex.codebook_overlaps(codebook, texts)
    assert set(zip(found["contribution_id"], found["where"], found["declared_example"])) == {
        ("A", "coding_rules.0", False), ("B", "codes.c1.use_when", True), ("C", "codes.c2.do_not_use_when", False)}
    assert found.loc[found["contribution_id"] == "A", "words"].item() == "more time with families and less"


def test_validation_lists_a_definition_that_repeats_a_statement(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    book = data / "codebook.yaml"
    text = load_contributions(Data(DATA_DIR)).set_index("contribution_id").loc["LW-need-14", "text"]
    book.write_text(book.read_text(encoding="utf-8").replace("use_when: Caseload, workload,", f"use_when: {text}, caseload, workload,", 1), encoding="utf-8")
    found = [p.message for p in check_codebook_overlaps(Data(data))]
    assert len(found) == 1 and "repeats the words of LW-need-14" in found[0]


def test_a_reference_changed_after_its_packet_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    assert check_frozen_references(Data(data)) == []
    coding_csv = data / "coding.csv"
    lines = coding_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if ",consensus_before_v4," in line)
    lines[first] = lines[first].replace(lines[first].split(",")[1], "funding_resources", 1)
    coding_csv.write_text("".join(lines), encoding="utf-8")
    found = [p.message for p in check_frozen_references(Data(data))]
    assert len(found) == 1 and found[0].startswith("test_2026_v4: consensus_before_v4's rows differ from the reference frozen in reliability/coder_e/reference.csv")


def test_past_tests_are_scored_against_the_reference_at_their_key():
    coding = pd.read_csv(DATA_DIR / "coding.csv", dtype=str, keep_default_na=False)
    for folder, coder in (("blind_v2", "reference_at_key_v2"), ("blind_v3", "reference_at_key_v3")):
        snapshot = pd.read_csv(BLIND.parent / folder / "reference_at_key.csv", dtype=str)
        rows = coding[coding["coder"] == coder]
        assert set(zip(rows["contribution_id"], rows["code_id"])) == set(zip(snapshot["contribution_id"], snapshot["code_id"]))


def test_a_person_can_take_a_packet_and_return_it(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    assert bt.main(["packet", "--coder", "coder_x", "--data-dir", str(data)]) == 0
    folder = data / "reliability" / "coder_x"
    packet = pd.read_csv(folder / bt.PACKET_CSV, dtype=str, keep_default_na=False)
    key = pd.read_csv(folder / bt.KEY_CSV, dtype=str, keep_default_na=False)
    assert len(packet) == len(load_contributions(Data(DATA_DIR))) and list(packet.columns) == ["unit_id", "text"]
    assert "coder_x.csv" in (folder / bt.INSTRUCTIONS_MD).read_text(encoding="utf-8")
    assert bt.main(["packet", "--coder", "coder_x", "--data-dir", str(data)]) == 1  # written once
    answers = tmp_path / "coder_x.csv"
    pd.DataFrame({"unit_id": list(key["unit_id"]) * 2, "code_id": ["not_codable"] * len(key) + ["observation"] * len(key),
                  "memo": ""}).to_csv(answers, index=False)
    assert bt.main(["import", str(answers), "--coder", "coder_x", "--data-dir", str(data)]) == 0
    rows = pd.read_csv(data / "coding.csv", dtype=str, keep_default_na=False)
    assert (rows["coder"] == "coder_x").sum() == 2 * len(key)
    assert (folder / "coder_x_returned.csv").read_bytes() == answers.read_bytes()
    assert bt.main(["import", str(answers), "--coder", "coder_x", "--data-dir", str(data)]) == 1  # never twice
