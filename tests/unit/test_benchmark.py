"""The benchmark's floor is generated from the notebooks: every code cell, in order, no parameters cell."""

import json

from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from benchmarks.benchmark import code_cells, floor_script, summary, tables_agree


def test_the_floor_runs_every_notebooks_code_cells_in_order_and_compiles(tmp_path):
    script = floor_script(PROJECT_ROOT / "params" / "smoke.yaml", tmp_path, tmp_path / "90_briefing.ipynb")
    compile(script, "floor.py", "exec")
    for notebook in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        assert code_cells(notebook) == sources[1:]  # the parameters cell comes first and is left out
        assert repr(sources[-1]) in script


def test_the_summary_gives_medians_and_ratios():
    timings = {"build": [(10.0, 8.0), (12.0, 9.0), (30.0, 20.0)], "floor": [(8.0, 6.0)] * 3, "naive": [(20.0, 18.0)] * 3}
    printed = summary(timings, 3, "params/default.yaml")
    assert "build                      wall   12.0 s   CPU    9.0 s" in printed
    assert "build / floor: CPU 1.50 (target at most 1.30), wall 1.50" in printed
    assert "build / naive chain: CPU 0.50, wall 0.60" in printed
    assert "CPU spread (max - min) across repetitions: build 12.0 s, floor 0.0 s, naive 0.0 s" in printed


def test_tables_agree_only_when_every_chain_wrote_the_same_bytes():
    same = {"a.csv": b"x\n1\n", "b.csv": b"y\n"}
    assert tables_agree({"build": same, "floor": dict(same), "naive": dict(same)}) == (
        "tables: the build, the floor and the naive chain wrote the same 2 tables, byte for byte")
    changed = {**same, "b.csv": b"y\n2\n"}
    missing = {"a.csv": same["a.csv"]}
    assert tables_agree({"build": same, "floor": changed, "naive": missing}) == (
        "tables differ between build, floor and naive chain: b.csv")
