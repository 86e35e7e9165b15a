"""Putting outputs in place (analysis.report.publish): one build at a time, all at once, nothing lost."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.report import publish
from analysis.paths import PROJECT_ROOT

OLD = {"briefing.html": "old page", "tables/a.csv": "old a", "tables/gone.csv": "old only", "figures/f.svg": "old figure"}
NEW = {"briefing.html": "new page", "tables/a.csv": "new a", "tables/b.csv": "new b", "figures/f.svg": "new figure",
       "opendata/x.csv": "new x"}


def write_outputs(outputs: Path, figures: Path, files: dict[str, str]) -> None:
    """The files (figures/... into ``figures``) and a manifest of their sha256."""
    manifest = {}
    for name, text in files.items():
        path = figures / name.split("/", 1)[1] if name.startswith("figures/") else outputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        manifest[str(path)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (outputs / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def staged(outputs: Path) -> tuple[Path, dict[str, Path]]:
    """A staging folder holding NEW, laid out as the build lays it out, and its targets."""
    staging = publish.new_staging(outputs)
    write_outputs(staging, staging / "figures", NEW)
    manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
    final = {str(outputs.parent / "figures" / Path(p).relative_to(staging / "figures")) if "/figures/" in p
             else str(outputs / Path(p).relative_to(staging)): digest for p, digest in manifest.items()}
    (staging / "manifest.json").write_text(json.dumps(final), encoding="utf-8")
    targets = {item.name: outputs.parent / "figures" if item.name == "figures" else outputs / item.name
               for item in staging.iterdir()}
    return staging, targets


def on_disk(outputs: Path, figures: Path) -> dict[str, str]:
    files = {}
    for folder in (outputs, figures):
        for path in folder.rglob("*"):
            staging = any(part.startswith(publish.STAGING_PREFIX) for part in path.relative_to(folder).parts)
            if path.is_file() and not staging and path.name not in ("manifest.json", publish.LOCK_NAME, publish.JOURNAL_NAME):
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def whole(outputs: Path, figures: Path) -> bool:
    """The manifest describes exactly the files on disk, byte for byte."""
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    return manifest == on_disk(outputs, figures)


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    outputs, figures = tmp_path / "outputs", tmp_path / "figures"
    write_outputs(outputs, figures, OLD)
    return outputs, figures


def test_a_promotion_replaces_every_output_and_leaves_nothing_behind(folders):
    outputs, figures = folders
    staging, targets = staged(outputs)
    publish.promote(staging, targets)
    assert whole(outputs, figures)
    assert (outputs / "briefing.html").read_text(encoding="utf-8") == "new page"
    assert not (outputs / "tables" / "gone.csv").exists()
    assert sorted(p.name for p in outputs.iterdir()) == ["briefing.html", "manifest.json", "opendata", "tables"]


class Killed(BaseException):
    """Stands for a kill between two steps of a promotion."""


@pytest.mark.parametrize("steps_done", range(12))
def test_a_promotion_stopped_between_any_two_steps_is_finished_by_the_next_build(folders, monkeypatch, steps_done):
    outputs, figures = folders
    staging, targets = staged(outputs)
    moved = []

    def move(source: Path, target: Path) -> None:
        if len(moved) == steps_done:
            raise Killed
        moved.append(source)
        os.rename(source, target)

    monkeypatch.setattr(publish, "_move", move)
    try:
        publish.promote(staging, targets)
    except Killed:
        assert (outputs / publish.JOURNAL_NAME).exists()
        # meanwhile a manifest on disk is whole: the old one before anything moved; none after
        assert not (outputs / "manifest.json").exists() or (steps_done == 0 and whole(outputs, figures))
        publish.discard(staging)  # what the killed build's own clean-up would do: the journal keeps it
        assert staging.exists()
        monkeypatch.setattr(publish, "_move", os.rename)
        lines = []
        with publish.exclusive(outputs, lines.append):
            pass
        assert lines == []  # the lock was released properly; only the promotion was cut short
    else:
        assert steps_done >= len(moved) == 9  # old manifest aside; 3 old items aside, 4 new in; new manifest in
    assert whole(outputs, figures)
    assert (outputs / "briefing.html").read_text(encoding="utf-8") == "new page"
    assert not list(outputs.glob(".staging*")) and not (outputs / publish.JOURNAL_NAME).exists()


HOLD_LOCK = """
import os, signal, sys, time
from pathlib import Path
from analysis.report import publish
with publish.exclusive(Path(sys.argv[1]), print):
    publish.new_staging(Path(sys.argv[1]))
    print("held", flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(outputs: Path, how: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(outputs), how], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_second_build_names_the_running_one_and_waits_for_it(folders):
    outputs, _ = folders
    holder = hold_lock(outputs, "1.5")
    lines = []
    started = time.perf_counter()
    with publish.exclusive(outputs, lines.append):
        waited = time.perf_counter() - started
        assert holder.wait(timeout=30) == 0
    assert lines == [f"waiting for build {holder.pid} (process id) to finish writing {outputs}"]
    assert waited > 0.5


def test_the_lock_of_a_killed_build_is_taken_over_and_its_staging_folder_removed(folders):
    outputs, figures = folders
    holder = hold_lock(outputs, "kill")
    assert holder.wait() == -signal.SIGKILL
    assert list(outputs.glob(".staging-*")) and (outputs / publish.LOCK_NAME).read_text() == str(holder.pid)
    lines = []
    with publish.exclusive(outputs, lines.append):
        assert (outputs / publish.LOCK_NAME).read_text() == str(os.getpid())
    assert lines == [f"build {holder.pid} (process id) stopped without finishing; taking over"]
    assert not list(outputs.glob(".staging*")) and (outputs / publish.LOCK_NAME).read_text() == ""
    assert whole(outputs, figures)


def test_interrupts_wait_until_a_promotion_is_done(folders):
    outputs, figures = folders
    staging, targets = staged(outputs)
    original = publish._move

    def move(source: Path, target: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        original(source, target)

    publish._move = move
    try:
        publish.promote(staging, targets)
    finally:
        publish._move = original
    assert whole(outputs, figures)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
