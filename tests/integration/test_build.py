"""The build's failure paths: a notebook that raises, a bad parameter file. Nothing is lost."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.params import ParameterError, load_profile
from analysis.report.build import BuildFailed, BuildLayout, build, discover_notebooks, profile_layout
from analysis.paths import FIGURES_DIR, OUTPUTS_DIR, PROJECT_ROOT

SMOKE = PROJECT_ROOT / "params" / "smoke.yaml"


def write_notebook(path: Path, *sources: str) -> None:
    cells = [new_markdown_cell("# A test notebook"), new_code_cell("data_dir = 'data'", metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(source) for source in sources]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, str(path))


@pytest.fixture()
def layout(tmp_path: Path) -> BuildLayout:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    for name in ("briefing.html", "briefing.pdf", "manifest.json"):
        (outputs / name).write_text(f"last good {name}", encoding="utf-8")
    return BuildLayout(notebooks_dir=notebooks, outputs_dir=outputs, figures_dir=tmp_path / "figures")


def test_a_notebook_that_raises_stops_the_build_and_keeps_the_last_good_briefing(layout, capfd):
    write_notebook(layout.notebooks_dir / "10_fine.ipynb", "x = 1")
    write_notebook(layout.notebooks_dir / "20_broken.ipynb", "y = 2", "z = 3\nraise ValueError('deliberate failure')")
    write_notebook(layout.notebooks_dir / "90_briefing.ipynb", "print('never reached')")
    with pytest.raises(BuildFailed) as caught:
        build(SMOKE, layout=layout, echo=lambda _: None)
    message = str(caught.value)
    assert "20_broken.ipynb failed in cell 4, line 2 (\"raise ValueError('deliberate failure')\")" in message
    assert "raised at" not in message  # the cell itself raised
    assert "ValueError: deliberate failure" in message
    assert "failed/20_broken.ipynb, the kernel's log at " in message and (layout.failed / "kernel.log").is_file()
    kept = nbformat.read(str(layout.failed / "20_broken.ipynb"), as_version=4)
    assert any(output.get("ename") == "ValueError" for cell in kept.cells for output in cell.get("outputs", []))
    for name in ("briefing.html", "briefing.pdf", "manifest.json"):
        assert (layout.outputs_dir / name).read_text(encoding="utf-8") == f"last good {name}"
    assert not list(layout.outputs_dir.glob(".staging*"))
    assert not (layout.outputs_dir / "notebooks").exists()
    printed = capfd.readouterr()
    assert printed.out == "" and printed.err == "", "the kernels printed to the console"


def test_a_failure_below_the_notebook_names_the_cell_line_and_where_it_raised(layout):
    write_notebook(layout.notebooks_dir / "10_parse.ipynb", "import json\ntext = '{'\njson.loads(text)")
    write_notebook(layout.notebooks_dir / "90_briefing.ipynb", "print('never reached')")
    with pytest.raises(BuildFailed) as caught:
        build(SMOKE, layout=layout, echo=lambda _: None)
    message = str(caught.value)
    assert "10_parse.ipynb failed in cell 3, line 3 ('json.loads(text)'), raised at " in message
    assert "json/decoder.py:" in message and "JSONDecodeError" in message


def test_notebooks_sharing_a_kernel_see_only_their_own_names(layout):
    write_notebook(layout.notebooks_dir / "10_defines.ipynb", "leftover = 1")
    write_notebook(layout.notebooks_dir / "20_uses.ipynb", "leftover")
    write_notebook(layout.notebooks_dir / "90_briefing.ipynb", "print('never reached')")
    with pytest.raises(BuildFailed, match="20_uses.ipynb failed in cell 3, line 1 .*NameError: name 'leftover'"):
        build(SMOKE, layout=layout, echo=lambda _: None)


def test_only_the_default_profile_writes_the_committed_outputs(tmp_path):
    default = PROJECT_ROOT / "params" / "default.yaml"
    assert profile_layout(default, load_profile(default)) == BuildLayout()
    smoke = profile_layout(SMOKE, load_profile(SMOKE))
    assert smoke.outputs_dir == OUTPUTS_DIR / "profiles" / "smoke"
    assert smoke.figures_dir == OUTPUTS_DIR / "profiles" / "smoke" / "figures" != FIGURES_DIR
    impostor = tmp_path / "default.yaml"  # named like the default, but not params/default.yaml
    impostor.write_text("profile: default\ndata_dir: tests/fixtures/data\n", encoding="utf-8")
    assert profile_layout(impostor, load_profile(impostor)).outputs_dir == OUTPUTS_DIR / "profiles" / "default"


def test_a_profile_name_that_is_not_a_plain_folder_name_is_refused(tmp_path):
    escaping = tmp_path / "escaping.yaml"
    escaping.write_text("profile: ../../figures\ndata_dir: tests/fixtures/data\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="parameter 'profile' is '../../figures'; allowed: letters, digits"):
        profile_layout(escaping, load_profile(escaping))


def test_a_folder_without_a_briefing_notebook_is_refused(tmp_path):
    write_notebook(tmp_path / "10_only.ipynb", "x = 1")
    with pytest.raises(BuildFailed, match="no briefing notebook named 90_"):
        discover_notebooks(tmp_path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)


def test_a_bad_parameter_file_exits_2_with_one_line_before_anything_runs(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("data_dir: tests/fixtures/data\nsources: [atlantis]\n", encoding="utf-8")
    result = run_cli("build", "--params", str(bad), "--outputs-dir", str(tmp_path / "out"), "--figures-dir", str(tmp_path / "fig"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "parameter 'sources' names 'atlantis', which selects no source; allowed: all" in lines[0]
    assert not (tmp_path / "out").exists()


def test_an_unknown_parameter_exits_2_naming_it(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("data_dir: tests/fixtures/data\nmin_cel_n: 3\n", encoding="utf-8")
    result = run_cli("build", "--params", str(bad), "--outputs-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "unknown parameter 'min_cel_n'; allowed: profile" in result.stderr


def test_an_output_folder_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path):
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    result = run_cli("build", "--params", str(SMOKE), "--outputs-dir", str(tmp_path / "a_file" / "outputs"))
    assert result.returncode == 1
    assert result.stderr == f"build failed: {tmp_path / 'a_file' / 'outputs'}: Not a directory\nthe previous outputs are unchanged\n"


def test_a_promotion_that_fails_midway_says_the_next_build_completes_it(layout, monkeypatch):
    from analysis.report import publish

    write_notebook(layout.notebooks_dir / "90_briefing.ipynb", "x = 1")
    monkeypatch.setattr("analysis.report.build.render_briefing", lambda executed, staging, *_: (staging / "briefing.html").write_text("new", encoding="utf-8"))
    moves = []

    def failing_move(source: Path, target: Path) -> None:
        if len(moves) == 2:
            raise OSError(28, "No space left on device")
        moves.append(source)
        os.rename(source, target)

    monkeypatch.setattr(publish, "_move", failing_move)
    with pytest.raises(BuildFailed, match=r"could not put all the new outputs in place \(\[Errno 28\] No space left on "
                                          r"device\); the next build of .+ completes it$"):
        build(SMOKE, layout=layout, echo=lambda _: None)
    assert publish.pending(layout.outputs_dir) and list(layout.outputs_dir.glob(".staging-*"))  # kept for that build
    monkeypatch.setattr(publish, "_move", os.rename)
    build(SMOKE, layout=layout, echo=lambda _: None)
    assert (layout.outputs_dir / "briefing.html").read_text(encoding="utf-8") == "new"
    assert not publish.pending(layout.outputs_dir) and not list(layout.outputs_dir.glob(".staging*"))
