"""Time the build against the naive chain a user would otherwise type, on the same inputs.

The naive chain: the papermill command line once per notebook, then ``jupyter nbconvert`` for
the HTML, then the ``weasyprint`` command line for the PDF. Both run as fresh processes, as a
user would start them; both write into a scratch folder, never over the committed outputs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.report.build import BRIEFING_PREFIX, discover_notebooks
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT

BIN = Path(sys.executable).parent


def build_commands(params: Path, scratch: Path) -> list[list[str]]:
    """The project's one command."""
    return [[
        sys.executable, "-m", "analysis", "build", "--params", str(params),
        "--outputs-dir", str(scratch / "outputs"), "--figures-dir", str(scratch / "figures"),
    ]]


def naive_commands(params: Path, scratch: Path) -> list[list[str]]:
    """papermill per notebook, nbconvert for HTML, weasyprint for the PDF."""
    executed = scratch / "notebooks"
    extra = ["-p", "tables_dir", str(scratch / "tables"), "-p", "figures_dir", str(scratch / "figures"),
             "-p", "exports_dir", str(scratch)]
    commands = [["mkdir", "-p", str(executed)]]
    for notebook in discover_notebooks(NOTEBOOKS_DIR):
        commands.append([str(BIN / "papermill"), str(notebook), str(executed / notebook.name), "-f", str(params),
                         *extra, "--cwd", str(PROJECT_ROOT), "--no-progress-bar"])
    briefing = next(p for p in discover_notebooks(NOTEBOOKS_DIR) if p.name.startswith(BRIEFING_PREFIX))
    html = executed / (briefing.stem + ".html")
    commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--embed-images",
                     str(executed / briefing.name), "--output", str(html)])
    commands.append([str(BIN / "weasyprint"), str(html), str(scratch / "briefing.pdf")])
    return commands


def time_chain(commands: list[list[str]]) -> float:
    """Seconds to run the commands one after another; any failure stops the benchmark."""
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m analysis benchmark", description=__doc__)
    options.add_argument("--params", default="params/default.yaml")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args(argv)
    params = (PROJECT_ROOT / args.params).resolve()
    timings: dict[str, list[float]] = {"build": [], "naive": []}
    for repetition in range(1, args.repeat + 1):
        for name, commands in (("build", build_commands), ("naive", naive_commands)):
            scratch = Path(tempfile.mkdtemp(prefix=f"benchmark-{name}-"))
            try:
                timings[name].append(time_chain(commands(params, scratch)))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            print(f"repetition {repetition}: {name} {timings[name][-1]:.1f} s", flush=True)
    build, naive = statistics.median(timings["build"]), statistics.median(timings["naive"])
    print(f"median build {build:.1f} s; median naive chain {naive:.1f} s; ratio {build / naive:.2f} "
          f"(target at most 0.60) over {args.repeat} repetitions with {args.params}")
    return 0
