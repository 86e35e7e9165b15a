"""Builds as a careless user runs them: two at once in one folder, Ctrl-C, a kill (smoke profile)."""

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

pytestmark = pytest.mark.integration


def start_build(outputs: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "build", "--params", "params/smoke.yaml", "--outputs-dir", str(outputs)],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def on_disk(outputs: Path) -> dict[str, str]:
    """sha256 of every output file (figures are under outputs/ here), as the manifest names them;
    not the executed notebooks (never in the manifest), a staging folder, the manifest itself or
    the lock file."""
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(outputs.rglob("*"))
            if path.is_file() and path.relative_to(outputs).parts[0] != "notebooks"
            and not path.relative_to(outputs).parts[0].startswith(publish.STAGING_PREFIX)
            and path.name not in ("manifest.json", publish.LOCK_NAME)}


def kernels_of(pid: int) -> list[int]:
    """The kernel processes a build started (its children running ipykernel)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"ipykernel" in command:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def holds_the_lock(build: subprocess.Popen, outputs: Path) -> None:
    """Wait until the build has taken the output folder's lock (its process id is in the lock file)."""
    deadline = time.monotonic() + 120
    lock = outputs / publish.LOCK_NAME
    while not (lock.is_file() and lock.read_text(encoding="utf-8").strip() == str(build.pid)):
        assert build.poll() is None and time.monotonic() < deadline, "the build took no lock"
        time.sleep(0.05)


def wait_for_a_kernel(build: subprocess.Popen) -> list[int]:
    """Wait until the build has started its kernel and the kernel is running a notebook."""
    deadline = time.monotonic() + 120
    while not (kernels := kernels_of(build.pid)):
        assert build.poll() is None and time.monotonic() < deadline, "the build started no kernel"
        time.sleep(0.1)
    time.sleep(2)  # the first notebook is running
    assert build.poll() is None
    return kernels


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, list[subprocess.Popen], list[tuple[str, str]]]:
    """Two builds of the smoke profile started together into one folder."""
    outputs = tmp_path_factory.mktemp("together") / "outputs"
    first = start_build(outputs)
    holds_the_lock(first, outputs)  # the second starts while the first is building, however fast its start
    builds = [first, start_build(outputs)]
    printed = [build.communicate(timeout=600) for build in builds]
    return outputs, builds, printed


def test_two_builds_started_together_both_end_cleanly_one_after_the_other(two_builds):
    _, builds, printed = two_builds
    assert [build.returncode for build in builds] == [0, 0], printed
    assert [err for _, err in printed] == ["", ""]
    waits = [(build, out) for build, (out, _) in zip(builds, printed) if "waiting for build" in out]
    assert len(waits) == 1, printed
    waiting, out = waits[0]
    other = next(build for build in builds if build is not waiting)
    assert out.splitlines()[0] == f"waiting for build {other.pid} (process id) to finish writing {two_builds[0]}"


def test_after_two_builds_at_once_the_outputs_match_their_manifest_byte_for_byte(two_builds):
    outputs = two_builds[0]
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == on_disk(outputs)
    assert len(manifest["outputs"]) > 40
    assert not list(outputs.glob(".staging*")) and not (outputs / publish.JOURNAL_NAME).exists()
    assert (outputs / publish.LOCK_NAME).read_text() == ""


@pytest.mark.parametrize("signal_number, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["Ctrl-C", "terminate"])
def test_an_interrupted_build_says_so_in_one_line_and_leaves_nothing_behind(two_builds, signal_number, status):
    outputs = two_builds[0]
    before = {**on_disk(outputs), "manifest": hashlib.sha256((outputs / "manifest.json").read_bytes()).hexdigest()}
    build = start_build(outputs)
    kernels = wait_for_a_kernel(build)
    build.send_signal(signal_number)
    out, err = build.communicate(timeout=120)
    assert build.returncode == status
    assert err == "build interrupted; the previous outputs are unchanged\n"
    assert "Traceback" not in out
    assert not [pid for pid in kernels if running(pid)], "a kernel is still running"
    assert not list(outputs.glob(".staging*"))
    assert {**on_disk(outputs), "manifest": hashlib.sha256((outputs / "manifest.json").read_bytes()).hexdigest()} == before


def test_a_killed_build_leaves_the_outputs_whole_and_the_next_build_takes_over(two_builds):
    outputs = two_builds[0]
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    build = start_build(outputs)
    kernels = wait_for_a_kernel(build)
    build.kill()
    build.communicate(timeout=60)
    assert manifest["outputs"] == on_disk(outputs)
    assert list(outputs.glob(".staging-*")) and (outputs / publish.LOCK_NAME).read_text() == str(build.pid)
    deadline = time.monotonic() + 30  # the kernel notices its parent is gone and stops
    while [pid for pid in kernels if running(pid)]:
        assert time.monotonic() < deadline, "the killed build's kernel is still running"
        time.sleep(0.2)
    lines = []
    with publish.exclusive(outputs, lines.append):
        pass
    assert lines == [f"build {build.pid} (process id) stopped without finishing; taking over"]
    assert not list(outputs.glob(".staging*"))
    assert manifest["outputs"] == on_disk(outputs)


def test_ctrl_c_while_waiting_for_another_build_is_one_line_and_touches_nothing(tmp_path):
    outputs = tmp_path / "outputs"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom analysis.report import publish\n"
                               "with publish.exclusive(Path(sys.argv[1]), print):\n    print('held', flush=True)\n    time.sleep(60)",
                               str(outputs)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    try:
        waiting = subprocess.Popen([sys.executable, "-m", "analysis", "build", "--params", "params/smoke.yaml", "--outputs-dir", str(outputs)],
                                   cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert waiting.stdout.readline() == f"waiting for build {holder.pid} (process id) to finish writing {outputs}\n"
        waiting.send_signal(signal.SIGINT)
        out, err = waiting.communicate(timeout=60)
        assert (waiting.returncode, out, err) == (130, "", "build interrupted; the previous outputs are unchanged\n")
        assert sorted(p.name for p in outputs.iterdir()) == [publish.LOCK_NAME]
        assert holder.poll() is None  # the running build is not disturbed
    finally:
        holder.kill()
        holder.wait()
