"""The load cache: each data folder's results computed once per content and code, never shared by mutation."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.evidence import cache


@pytest.fixture()
def counted(tmp_path, monkeypatch):
    """A cached loader over a small data folder, counting how often it really runs; disk cache in tmp_path."""
    monkeypatch.setattr(cache, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(cache, "code_sha256", lambda: "code")  # never cache the hash of tmp_path's (empty) code
    monkeypatch.setattr(cache, "OUTPUTS_DIR", tmp_path / "outputs")
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "outputs" / ".cache")
    monkeypatch.setattr(cache, "_memory", type(cache._memory)())
    data = tmp_path / "data"
    data.mkdir()
    (data / "table.csv").write_text("id,n\na,1\n", encoding="utf-8")
    calls: list[Path] = []

    def load_table(data_dir: Path, column: str = "n") -> pd.DataFrame:
        calls.append(data_dir)
        frame = pd.read_csv(data_dir / "table.csv")
        if frame.empty:
            raise ValueError("no rows")
        return frame[["id", column]]

    return cache.cached(load_table), data, calls


def test_a_second_load_of_unchanged_data_does_not_run_again_and_returns_a_copy(counted):
    load, data, calls = counted
    first = load(data)
    first.loc[0, "n"] = 99  # the caller's copy
    second = load(data)
    assert len(calls) == 1
    assert second.loc[0, "n"] == 1


@pytest.mark.parametrize("change", [
    lambda frame: frame.__setitem__("n", 7),
    lambda frame: frame.__setitem__("added", 1),
    lambda frame: frame.loc.__setitem__((0, "id"), "z"),
    lambda frame: frame.iloc.__setitem__((0, 1), 5),
    lambda frame: frame["n"].__setitem__(0, 8),
    lambda frame: setattr(frame, "columns", ["a", "b"]),
    lambda frame: setattr(frame, "index", [5]),
    lambda frame: frame.attrs.__setitem__("note", "changed"),
], ids=["column", "new column", "loc", "iloc", "series", "columns renamed", "index replaced", "attrs"])
def test_no_change_to_a_returned_table_reaches_the_next_caller(counted, change):
    load, data, calls = counted
    kept = load(data).copy(deep=True)
    returned = load(data)
    change(returned)
    pd.testing.assert_frame_equal(load(data), kept)
    assert load(data).attrs == kept.attrs
    assert len(calls) == 1


def test_a_returned_table_s_arrays_cannot_be_written_in_place(counted):
    load, data, _ = counted
    with pytest.raises(ValueError, match="read-only"):
        load(data)["n"].to_numpy()[0] = 9
    assert load(data)["n"].tolist() == [1]


def test_changed_data_or_other_arguments_load_again(counted):
    load, data, calls = counted
    load(data)
    load(data, column="id")
    assert len(calls) == 2
    (data / "table.csv").write_text("id,n\na,2\nb,3\n", encoding="utf-8")
    assert load(data)["n"].tolist() == [2, 3]
    assert len(calls) == 3


def test_the_disk_cache_serves_another_process(counted):
    load, data, calls = counted
    load(data)
    cache._memory.clear()  # as a new process would start
    assert load(data)["n"].tolist() == [1]
    assert len(calls) == 1
    assert list((cache.CACHE_DIR).rglob("*.pickle"))


def test_a_failure_is_not_cached(counted):
    load, data, calls = counted
    (data / "table.csv").write_text("id,n\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValueError, match="no rows"):
            load(data)
    assert len(calls) == 2


def test_a_data_folder_outside_the_project_is_cached_on_disk_too(counted, monkeypatch, tmp_path):
    load, data, calls = counted
    monkeypatch.setattr(cache, "PROJECT_ROOT", tmp_path / "project")
    load(data)
    cache._memory.clear()
    load(data)
    assert len(calls) == 1
    cache.forget(data)
    cache._memory.clear()
    load(data)
    assert len(calls) == 2


def test_the_disk_keeps_only_the_folders_written_last(counted, tmp_path, monkeypatch):
    load, data, calls = counted
    monkeypatch.setattr(cache, "KEPT_FOLDERS", 2)
    folders = []
    for n in range(4):
        folder = tmp_path / f"data{n}"
        folder.mkdir()
        (folder / "table.csv").write_text("id,n\na,1\n", encoding="utf-8")
        load(folder)
        folders.append(folder)
    assert len([f for f in cache.CACHE_DIR.iterdir() if f.is_dir()]) == 2
    cache._memory.clear()
    load(folders[-1])
    assert len(calls) == 4


def test_a_data_folder_that_fails_validation_leaves_nothing_in_the_cache(monkeypatch, tmp_path):
    import shutil

    import analysis.coding.checks  # noqa: F401  (registers the codebook and coding checks)
    from analysis.evidence.validate import validate_all
    from analysis.paths import DATA_DIR

    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(cache, "_memory", type(cache._memory)())
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    coding = data / "coding.csv"
    coding.write_bytes(coding.read_bytes().replace(b",coder_a,", b",coder_aa,", 1))
    for _ in range(2):  # reported again, every time
        assert [p.column for p in validate_all(data)][:1] == ["coder"]
    assert not cache.CACHE_DIR.exists()
    coding.write_bytes((DATA_DIR / "coding.csv").read_bytes())
    assert validate_all(data) == []
    assert list(cache.CACHE_DIR.rglob("*.pickle"))  # a valid folder's checks are kept


def test_a_checker_that_finds_problems_runs_again_and_leaves_nothing(counted):
    _, data, _ = counted
    runs = []

    def check(data_dir: Path) -> list:
        runs.append(data_dir)
        return [cache.Problem("table.csv", 1, "n", "wrong")]

    checker = cache.cached(check)
    assert checker(data) == checker(data) == [cache.Problem("table.csv", 1, "n", "wrong")]
    assert len(runs) == 2 and not cache.CACHE_DIR.exists()
