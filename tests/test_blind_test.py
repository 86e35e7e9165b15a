"""The blind test's sample, packet and key: exclusions, opacity, and the import by key."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.coding import blind_test as bt
from analysis.coding.codes import load_codebook
from analysis.evidence.validate import load_contributions, load_groups, load_sources
from analysis.evidence.vocabulary import load_vocabulary
from analysis.paths import DATA_DIR

BLIND = DATA_DIR / "reliability" / "blind_v2"


def test_quoted_phrases_and_cue_exposure():
    codebook = {"codes": [{"use_when": 'speaks of "safe caseloads now" or "it"'}], "changelog": [{"changes": '"never counted here at all"'}]}
    phrases = bt.quoted_phrases(codebook)
    assert phrases == {"safe caseloads now"}
    assert bt.cue_exposed({"A": "We want Safe caseloads now!", "B": "safe caseloads"}, phrases) == {"A"}


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
    contributions = load_contributions(DATA_DIR)
    names = bt.identifying_values(contributions, load_groups(DATA_DIR), load_sources(DATA_DIR), load_vocabulary(DATA_DIR))
    packet_text = (blind / bt.PACKET_CSV).read_text(encoding="utf-8")
    packet = pd.read_csv(blind / bt.PACKET_CSV, dtype=str, keep_default_na=False)
    assert list(packet.columns) == ["unit_id", "text"]
    assert bt.identifying_hits(packet_text, packet["text"], names) == []
    given = (blind / bt.CODEBOOK_AS_GIVEN).read_text(encoding="utf-8") + (blind / bt.INSTRUCTIONS_MD).read_text(encoding="utf-8")
    assert not [cid for cid in contributions["contribution_id"] if cid in given]
    assert list(packet["unit_id"]) == sorted(packet["unit_id"])


@pytest.mark.parametrize("folder, earlier, size", [("blind_v2", ["sample.csv"], 110), ("blind_v3", ["sample.csv", "blind_v2/key.csv"], 50)])
def test_committed_sample_excludes_examples_pilot_and_earlier_samples(folder, earlier, size):
    contributions = load_contributions(DATA_DIR)
    sample = set(pd.read_csv(BLIND.parent / folder / bt.KEY_CSV, dtype=str)["contribution_id"])
    assert len(sample) >= size
    assert not sample & bt.codebook_examples(load_codebook(DATA_DIR))
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
    texts = dict(zip(load_contributions(DATA_DIR)["contribution_id"], load_contributions(DATA_DIR)["text"]))
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
    from analysis.coding.codes import draw_reliability_sample
    from analysis.coding.functions import read_section_functions

    contributions = load_contributions(DATA_DIR)
    excluded = pd.read_csv(BLIND.parent / folder / "exclusions.csv", dtype=str)
    eligible = contributions[~contributions["contribution_id"].isin(excluded["contribution_id"])]
    drawn = pd.read_csv(BLIND.parent / folder / bt.KEY_CSV, dtype=str)["contribution_id"]
    eligible = eligible[eligible["source_id"].isin(contributions.loc[contributions["contribution_id"].isin(drawn), "source_id"])]  # not sources added later
    if functions_only:
        coded = [section for section, function in read_section_functions(DATA_DIR).items() if function is None]
        eligible = eligible[eligible["section"].isin(coded)]
    sample = draw_reliability_sample(eligible, fraction, seed, strata=("source_id", "section"))
    packet, key = bt.make_packet(sample, dict(zip(contributions["contribution_id"], contributions["text"])), seed)
    assert bt.csv_text(packet) == (BLIND.parent / folder / bt.PACKET_CSV).read_text(encoding="utf-8")
    assert bt.csv_text(key) == (BLIND.parent / folder / bt.KEY_CSV).read_text(encoding="utf-8")
