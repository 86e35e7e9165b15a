"""The whole build at scale: ``python -m analysis build`` on synthetic data, step by step.

``python -m analysis benchmark --scale --build`` writes, for each size, the scale benchmark's
synthetic data (:func:`benchmarks.scale_benchmark.write_synthetic_data`) and a run profile
reading it (the given profile's parameters, every source), and runs
``python -m analysis build`` on it in a fresh process, as a user would. While the build runs,
its processes are read from ``/proc`` (Linux): at each step the build reports, the CPU seconds
each process used since the previous step and its peak resident memory since then (reset
through ``/proc/<pid>/clear_refs``). The notebooks run in the kernel, so a notebook's step is
the kernel's; the exports are written by the build process on a second thread (and the
REFI-QDA project by a worker process) while the notebooks run, so the build's own processes'
CPU and memory over that time are the exports'. The
explorer is written by the briefing notebook, so it is in that notebook's step. The whole
build's peak is the largest sum of the processes' resident memory, sampled every
:data:`SAMPLE_SECONDS`. Last, every row of the largest size's contributions.csv is made bad
and ``python -m analysis validate`` is timed on it.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from analysis.params import load_profile
from analysis.paths import PROJECT_ROOT
from analysis.exchange.qda import QDPX_NAME
from analysis.report.explorer import EVIDENCE_PAGE, SPLIT_FOLDER
from benchmarks.scale_benchmark import growth_exponent, scale_options, write_synthetic_data

TARGET_BUILD_SECONDS, TARGET_BUILD_GIB, TARGET_EXPONENT, TARGET_ALL_BAD_SECONDS = 600.0, 8.0, 1.1, 60.0
SAMPLE_SECONDS = 0.25
STEP_LINE = re.compile(r"^\[\d+/\d+\] (?P<name>.+) \((?P<seconds>[0-9.]+) s\)$")
EXPORTS_STEP = "exports"  # the build's step whose name starts so: the exports, written beside the notebooks
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a process (its own: not its reaped children's, which are
    counted as themselves); None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _memory(pid: int, field: str) -> int:
    """A memory figure of /proc/<pid>/status (VmHWM: peak resident, VmRSS: resident) in bytes; 0 once gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _command(pid: int) -> bytes:
    """A process's command line (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _reset_peak(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[0]
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sorted(tree)


class BuildWatch:
    """The processes of one running build: CPU and peak memory per step, and the whole build's peak."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.cpu: dict[int, float] = {}  # last CPU seconds read, by pid
        self.counted: dict[int, float] = {}  # CPU seconds already given to a step, by pid
        self.resident: dict[int, int] = {}  # the most resident memory sampled since the last step, by pid
        self.kernels: set[int] = set()  # the notebooks' kernels among the processes
        self.peak_total = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stopped.wait(SAMPLE_SECONDS):
            with self._lock:
                pids = _tree(self.root)
                resident = {pid: _memory(pid, "VmRSS") for pid in pids}
                for pid in pids:
                    if (stat := _stat(pid)) is not None:
                        self.cpu[pid] = stat[1]
                    self.resident[pid] = max(self.resident.get(pid, 0), resident[pid])
                self.peak_total = max(self.peak_total, sum(resident.values()))

    def step(self) -> tuple[float, int, float, int]:
        """(CPU seconds, peak bytes) of the build's own processes (the build and the exports'
        worker; their peaks summed) and of the notebooks' kernel since the last step (the peak
        read from /proc, or the largest sampled for a process that has ended); peaks are reset."""
        with self._lock:
            pids = _tree(self.root)
            for pid in pids:
                if (stat := _stat(pid)) is not None:
                    self.cpu[pid] = stat[1]
            used = {pid: seconds - self.counted.get(pid, 0.0) for pid, seconds in self.cpu.items()}
            self.counted = dict(self.cpu)
            peaks = {pid: max(_memory(pid, "VmHWM"), self.resident.get(pid, 0)) for pid in {*pids, *self.resident}}  # a process gone keeps its sampled peak
            self.resident = {}
            for pid in pids:
                _reset_peak(pid)
        self.kernels |= {pid for pid in pids if b"ipykernel" in _command(pid)}
        own = [pid for pid in used if pid not in self.kernels]
        kernels = [pid for pid in used if pid in self.kernels]
        return (sum(used[pid] for pid in own), sum(peaks.get(pid, 0) for pid in own),
                sum(used[pid] for pid in kernels), max((peaks.get(pid, 0) for pid in kernels), default=0))

    def stop(self) -> None:
        self._stopped.set()
        self._sampler.join()


class BuildBenchmarkFailed(RuntimeError):
    """The build of the synthetic data did not finish."""


def scale_profile(folder: Path, data_dir: Path, params: Path) -> Path:
    """A run profile for the synthetic data: ``params``' parameters, every source, its own name."""
    profile = {**load_profile(params), "profile": "scale", "description": "Synthetic data of the scale benchmark.",
               "data_dir": str(data_dir), "sources": ["all"]}
    path = folder / "scale.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return path


def run_build(profile: Path, outputs: Path, report: Callable[[str], None]) -> tuple[list[dict], dict]:
    """Build ``profile`` into ``outputs`` in a fresh process: one row per step (wall, CPU and peak
    memory), and the whole build's wall and CPU seconds and peak memory."""
    command = [sys.executable, "-m", "analysis", "build", "--params", str(profile), "--outputs-dir", str(outputs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    errors = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a build that says much cannot block on it
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
    watch = BuildWatch(process.pid)
    rows, exports_cpu, exports_peak = [], 0.0, 0
    for line in process.stdout:
        matched = STEP_LINE.match(line.strip())
        if not matched:
            continue
        name, wall = matched["name"], float(matched["seconds"])
        own_cpu, own_peak, other_cpu, other_peak = watch.step()
        if name.startswith("notebook "):  # the kernel's; the build process meanwhile writes the exports
            rows.append({"step": name, "wall_s": wall, "cpu_s": other_cpu, "peak_gib": other_peak / 2**30})
            exports_cpu, exports_peak = exports_cpu + own_cpu, max(exports_peak, own_peak)
        elif name.startswith("write REFI-QDA"):
            rows.append({"step": EXPORTS_STEP, "wall_s": wall, "cpu_s": exports_cpu + own_cpu + other_cpu,
                         "peak_gib": max(exports_peak, own_peak) / 2**30})
        else:
            rows.append({"step": name, "wall_s": wall, "cpu_s": own_cpu + other_cpu, "peak_gib": max(own_peak, other_peak) / 2**30})
        report(f"    {rows[-1]['step']}: {wall:.1f} s, {rows[-1]['cpu_s']:.1f} CPU s, {rows[-1]['peak_gib']:.2f} GiB")
    code = process.wait()
    wall = time.perf_counter() - started
    watch.stop()
    errors.seek(0)
    said = errors.read().strip()
    errors.close()
    if code != 0:
        raise BuildBenchmarkFailed(f"the build of the synthetic data failed (exit {code}): {said.splitlines()[-1] if said else ''}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return rows, {"step": "whole build", "wall_s": wall, "cpu_s": cpu, "peak_gib": watch.peak_total / 2**30}


def output_sizes(outputs: Path) -> dict[str, int]:
    """Bytes of what a reader opens: the briefing (HTML, PDF), the explorer's index and its
    largest cell page (when split), and the REFI-QDA project."""
    cell_pages = [path.stat().st_size for path in (outputs / SPLIT_FOLDER).rglob("*.html")]
    return {"briefing.html": (outputs / "briefing.html").stat().st_size, "briefing.pdf": (outputs / "briefing.pdf").stat().st_size,
            EVIDENCE_PAGE: (outputs / EVIDENCE_PAGE).stat().st_size, "largest explorer cell page": max(cell_pages, default=0),
            "explorer cell pages": len(cell_pages), "REFI-QDA project": (outputs / QDPX_NAME).stat().st_size}


def make_every_row_bad(data_dir: Path) -> int:
    """Break every row of contributions.csv, each in one of four ways (an unknown group, a list
    position that is no number, an offset past its source's end, a blank text); the row count."""
    path = data_dir / "contributions.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    kind = pd.Series(range(len(frame))) % 4
    frame.loc[kind == 0, "speaker_group"] = "nobody"
    frame.loc[kind == 1, "list_position"] = "x"
    frame.loc[kind == 2, "char_start"] = "999999999"
    frame.loc[kind == 3, "text"] = " "
    frame.to_csv(path, index=False, lineterminator="\n")
    return len(frame)


def time_validation(data_dir: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``python -m analysis validate`` on a data folder, in a fresh process, and its problem count."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analysis", "validate", "--data-dir", str(data_dir)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = re.search(r"^(\d+) problem\(s\)", done.stderr, re.MULTILINE)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), int(found[1]) if found else 0


def run(sizes: list[int], params: Path, seed: int, report: Callable[[str], None] = print) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The build at each size (one row per size and step, the whole build last), the sizes of
    its outputs, and the validation of the largest size with every row bad."""
    rows, sizes_written, all_bad = [], [], {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="scale-build-") as scratch:
            started = time.perf_counter()
            data_dir = write_synthetic_data(Path(scratch) / "data", n, seed)
            report(f"{n:>9,} contributions: synthetic data written in {time.perf_counter() - started:.0f} s")
            steps, whole = run_build(scale_profile(Path(scratch), data_dir, params), Path(scratch) / "outputs", report)
            report(f"    whole build: {whole['wall_s']:.1f} s, {whole['cpu_s']:.1f} CPU s, {whole['peak_gib']:.2f} GiB")
            rows += [{"contributions": n, **row} for row in [*steps, whole]]
            sizes_written += [{"contributions": n, "output": name, "size": size} for name, size in output_sizes(Path(scratch) / "outputs").items()]
            if n == sizes[-1]:
                bad = make_every_row_bad(data_dir)
                wall, cpu, problems = time_validation(data_dir)
                all_bad = {"contributions": n, "bad_rows": bad, "problems": problems, "wall_s": wall, "cpu_s": cpu}
                report(f"    validation, every row bad: {problems:,} problems in {wall:.1f} s ({cpu:.1f} CPU s)")
    return pd.DataFrame(rows), pd.DataFrame(sizes_written), all_bad


def summary(results: pd.DataFrame, written: pd.DataFrame, all_bad: dict) -> str:
    """The build's steps per size (wall s, CPU s, peak GiB), each step's growth exponent (CPU
    seconds between the two largest sizes), and which targets are met."""
    sizes = sorted(results["contributions"].unique())
    lines = [f"{'step':<42}" + "".join(f"{f'{n:,}':>24}" for n in sizes) + f"{'exponent':>10}",
             f"{'':<42}" + "".join(f"{'wall s  CPU s   GiB':>24}" for _ in sizes)]
    for step in dict.fromkeys(results["step"]):
        rows = results[results["step"] == step].set_index("contributions").reindex(sizes)
        exponent = growth_exponent(sizes, rows["cpu_s"].tolist())
        cells = "".join(f"{r.wall_s:>8.1f}{r.cpu_s:>8.1f}{r.peak_gib:>8.2f}" for r in rows.itertuples())
        lines.append(f"{step:<42}{cells}{exponent:>10.2f}")
    for output in dict.fromkeys(written["output"]):
        counts = written[written["output"] == output].set_index("contributions").reindex(sizes)["size"]
        shown = "".join(f"{int(value):>24,}" if output == "explorer cell pages" else f"{value / 2**20:>21.2f} MB" for value in counts)
        lines.append(f"{output:<42}{shown}")
    whole = results[results["step"] == "whole build"].set_index("contributions").loc[sizes[-1]]
    steps = results[results["step"] != "whole build"]
    worst = max(growth_exponent(sizes, steps[steps["step"] == step].set_index("contributions").reindex(sizes)["cpu_s"].tolist())
                for step in dict.fromkeys(steps["step"]))
    lines.append(f"At {sizes[-1]:,}: whole build {whole['wall_s']:.0f} s wall (target {TARGET_BUILD_SECONDS:.0f}), "
                 f"{whole['peak_gib']:.2f} GiB (target {TARGET_BUILD_GIB:.0f}); largest step exponent {worst:.2f} "
                 f"(target {TARGET_EXPONENT}).")
    if all_bad:
        lines.append(f"Validation with every one of {all_bad['bad_rows']:,} rows bad: {all_bad['problems']:,} problems, "
                     f"{all_bad['wall_s']:.1f} s wall, {all_bad['cpu_s']:.1f} CPU s (target {TARGET_ALL_BAD_SECONDS:.0f} s).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis benchmark --scale --build``: the table of :func:`summary`; 1 when a build fails."""
    args = scale_options("python -m analysis benchmark --scale --build", __doc__.split("\n\n")[0]).parse_args(argv)
    try:
        results, written, all_bad = run(sorted(args.sizes), args.params, args.seed)
    except BuildBenchmarkFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary(results, written, all_bad))
    return 0
