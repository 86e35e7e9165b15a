"""The build: every notebook in order, then the briefing as HTML and PDF, in one process.

Nothing is written over the last good outputs until every step has succeeded: the build works
in a staging folder of its own and puts its results in place at the end, all at once, holding
its output folder's lock throughout (:mod:`analysis.report.publish`). A notebook that raises
stops the build; its executed copy is kept in the ``failed/`` folder beside the outputs. An
interrupt (Ctrl-C) or a terminate signal stops the build in one line: its kernels are killed,
its staging folder removed, the previous outputs left as they were.

Only ``params/default.yaml`` writes the committed ``outputs/`` and ``figures/``; any other
profile writes under ``outputs/profiles/<profile>/``. Every notebook runs through papermill in
one shared kernel (started once, its namespace cleared between notebooks), so kernel start-up
and the package's imports are paid once per build, not once per notebook. Two builds of one
commit give the same bytes: the injected parameters cell has a fixed id and the build date is
the commit's (or ``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from analysis.evidence.data import Data
from analysis.params import ParameterError, check_against_data, load_profile, read_profile
from analysis.report import publish
from analysis.report.citation import TITLE, CitationError, Colophon, read_colophon
from analysis.paths import CITATION_CFF, FIGURES_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR, PARAMS_DIR, PROJECT_ROOT, SUGGESTIONS_DIR, display_path

# jsonschema (under nbformat) compiles 38 grammars, 1.1 CPU-seconds, whenever the optional
# rfc3987_syntax is installed (a JupyterLab extra). Nothing here checks IRIs, so this process does without.
sys.modules.setdefault("rfc3987_syntax", None)

BRIEFING_PREFIX = "90_"
DEFAULT_PARAMS = PARAMS_DIR / "default.yaml"
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
INJECTED_CELL_ID = "injected-parameters"
RECORDED_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbconvert",
    "nbclient", "ipykernel", "pandera", "weasyprint", "lxml",
)


class BuildFailed(RuntimeError):
    """A step of the build failed; the message says which and where to look."""


class PromotionFailed(BuildFailed):
    """The new outputs could not all be put in place; the next build of the folder completes it."""


class BuildInterrupted(KeyboardInterrupt):
    """The build received an interrupt or terminate signal (``signal_number``)."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal_number = signal_number


@dataclass
class BuildLayout:
    """Where the build reads notebooks and writes its results."""

    notebooks_dir: Path = NOTEBOOKS_DIR
    outputs_dir: Path = OUTPUTS_DIR
    figures_dir: Path = FIGURES_DIR

    @property
    def failed(self) -> Path:
        return self.outputs_dir / "failed"


def profile_layout(params_path: Path, profile: dict[str, Any]) -> BuildLayout:
    """The committed outputs for params/default.yaml; outputs/profiles/<profile>/ for any other."""
    if Path(params_path).resolve() == DEFAULT_PARAMS.resolve():
        return BuildLayout()
    name = profile["profile"]
    if not PROFILE_NAME.fullmatch(name):
        raise ParameterError(
            f"{display_path(Path(params_path))}: parameter 'profile' is {name!r}; allowed: letters, digits, "
            "'_' and '-' (it names the folder outputs/profiles/<profile>/)"
        )
    folder = OUTPUTS_DIR / "profiles" / name
    return BuildLayout(outputs_dir=folder, figures_dir=folder / "figures")


@dataclass
class StepLog:
    """Per-step timings, printed as they happen and kept for the manifest."""

    total_steps: int
    steps: list[dict[str, Any]] = field(default_factory=list)
    echo: Callable[[str], None] = print

    def record(self, name: str, seconds: float) -> None:
        self.steps.append({"step": name, "seconds": round(seconds, 3)})
        self.echo(f"[{len(self.steps)}/{self.total_steps}] {name} ({seconds:.1f} s)")


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """Notebooks named NN_*.ipynb, in order; the briefing (90_*) must be among them."""
    notebooks = sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if not any(path.name.startswith(BRIEFING_PREFIX) for path in notebooks):
        raise BuildFailed(f"{display_path(Path(notebooks_dir))}: no briefing notebook named {BRIEFING_PREFIX}*.ipynb")
    return notebooks


class SharedKernel:
    """One Python kernel for every notebook of a build, its chatter written to a log file.

    Started once; before each notebook its namespace is cleared (``%reset -f``), so a notebook
    sees only its own parameters, while modules already imported stay imported.
    """

    def __init__(self, log_path: Path):
        self.log_path = Path(log_path)

    def __enter__(self) -> "SharedKernel":
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.manager = AsyncKernelManager(kernel_name="python3")
        try:
            run_sync(self.manager.start_kernel)(
                cwd=str(PROJECT_ROOT), stdout=self._log, stderr=self._log,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except (NoSuchKernel, OSError, RuntimeError) as error:
            self._log.close()
            raise BuildFailed(f"could not start the python3 kernel: {error}") from error
        except KeyboardInterrupt:
            self.kill()  # interrupted while starting: the process may be running already
            self._log.close()
            raise
        return self

    def fresh_namespace(self) -> None:
        from jupyter_core.utils import run_sync

        client = self.manager.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)("%reset -f", silent=True, store_history=False, timeout=60)
        finally:
            client.stop_channels()

    def __exit__(self, exc_type: type | None, *exc_info: object) -> None:
        from jupyter_core.utils import run_sync

        try:
            if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
                self.kill()  # at once, from this thread: the event loops may be mid-call
            else:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self._log.close()

    def kill(self) -> None:
        """Kill the kernel's process group (the kernel runs in a session of its own) and remove
        its connection file."""
        process = self.manager.provisioner.process if self.manager.provisioner else None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.manager.cleanup_connection_file()


def parameterised(notebook: Path, parameters: dict[str, Any]):
    """The notebook with papermill's parameters cell injected, under a fixed cell id."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    node = parameterize_notebook(load_notebook_node(str(notebook)), parameters, kernel_name="python3")
    for cell in node.cells:
        if INJECTED_CELL_ID in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    return node


def run_notebook(kernel: SharedKernel, notebook: Path, executed: Path, parameters: dict[str, Any]) -> None:
    """Execute one notebook with papermill in the shared kernel; raise BuildFailed naming the line."""
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    kernel.fresh_namespace()
    try:
        papermill.execute_notebook(
            parameterised(notebook, parameters), str(executed), kernel_name="python3",
            progress_bar=False, log_output=False, km=kernel.manager,
            request_save_on_cell_execute=False,  # written once at the end (or on failure), not after every cell
        )
    except PapermillExecutionError as error:
        raise BuildFailed(f"{display_path(notebook)} failed {failing_line(notebook, executed, error.traceback)}: "
                          f"{error.ename}: {' '.join(str(error.evalue).split())}") from error
    except DeadKernelError as error:
        raise BuildFailed(f"{display_path(notebook)}: the kernel died ({error})") from error


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_FRAME = re.compile(r"^Cell In\[\d+\], line (\d+)", re.MULTILINE)
_FILE_FRAME = re.compile(r"^File (.+?):(\d+), in ", re.MULTILINE)


def failing_line(notebook: Path, executed: Path, traceback: list[str]) -> str:
    """Where a notebook raised: "in cell N, line L (`source`)", and the file and line below it if any."""
    import nbformat

    text = _ANSI.sub("", "\n".join(traceback))
    failed = next(
        (cell.source for cell in nbformat.read(str(executed), as_version=4).cells
         if any(output.get("output_type") == "error" for output in cell.get("outputs", []))), "",
    )
    sources = [cell.source for cell in nbformat.read(str(notebook), as_version=4).cells]
    number = sources.index(failed) + 1 if failed in sources else 0
    lines = failed.splitlines()
    cell_frame = _CELL_FRAME.search(text)
    line_number = int(cell_frame.group(1)) if cell_frame else 1
    source_line = lines[line_number - 1].strip() if 0 < line_number <= len(lines) else ""
    where = f"in cell {number}, line {line_number} ({source_line!r})"
    deeper = _FILE_FRAME.findall(text[cell_frame.end():] if cell_frame else text)
    if deeper:
        path, line = deeper[-1]
        where += f", raised at {display_path(Path(os.path.expanduser(path)))}:{line}"
    return where


def notebook_parameters(profile: dict[str, Any], staging: Path) -> dict[str, Any]:
    """What every notebook receives: the checked profile and where to write."""
    return {
        **profile,
        "tables_dir": str(staging / "tables"),
        "figures_dir": str(staging / "figures"),
        "exports_dir": str(staging),
    }


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_files(params_path: Path, data_dir: Path, notebooks_dir: Path) -> list[Path]:
    """Everything a briefing depends on: data (not its suggested codes, which nothing counts),
    notebooks, the profile, the package's code."""
    package = PROJECT_ROOT / "analysis"
    files = [
        *sorted(p for p in Path(data_dir).rglob("*") if p.is_file() and p.relative_to(data_dir).parts[0] != SUGGESTIONS_DIR),
        *sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")),
        Path(params_path),
        CITATION_CFF,
        *sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".css", ".j2"}),
    ]
    return [p.resolve() for p in files]


def input_hashes(params_path: Path, data_dir: Path, notebooks_dir: Path) -> dict[str, str]:
    """sha256 of every input, keyed by its path relative to the project root."""
    return {display_path(p): sha256_file(p) for p in input_files(params_path, data_dir, notebooks_dir)}


def data_fingerprint(hashes: dict[str, str], data_dir: Path) -> str:
    """One sha256 over the data files' hashes, for the briefing's footer."""
    prefix = display_path(Path(data_dir)) + "/"
    joined = "\n".join(f"{path} {digest}" for path, digest in sorted(hashes.items()) if path.startswith(prefix))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def git_state(inputs: list[Path]) -> dict[str, Any]:
    """The commit the build ran on, its date, and whether any input differs from it.

    The date is ``SOURCE_DATE_EPOCH`` when set, else the commit's, so a rebuild of one commit
    says the same; only the inputs count as changes (not the outputs the build rewrites).
    """
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    inside = [display_path(path) for path in inputs if Path(path).resolve().is_relative_to(PROJECT_ROOT)]
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct") or "0"
    return {
        "commit": git("rev-parse", "HEAD") or "unknown",
        "dirty": bool(git("status", "--porcelain", "--", *inside)),
        "date": datetime.fromtimestamp(int(epoch), timezone.utc),
    }


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance_footer(profile: dict[str, Any], git: dict[str, Any], data_hash: str) -> str:
    """The briefing's last lines: commit, data fingerprint and parameters."""
    commit = git["commit"][:12] + (" (with uncommitted changes)" if git["dirty"] else "")
    parameters = "; ".join(f"{name}={value}" for name, value in profile.items() if name != "description")
    from analysis.report.markup import fill

    return fill(
        "<p>Built from commit {{ commit }}, dated {{ date }} UTC; data sha256 {{ data }}; profile parameters: "
        "{{ parameters }}. The full record (every input's sha256, package versions, timings) is in outputs/manifest.json.</p>",
        commit=commit, date=f"{git['date']:%Y-%m-%d %H:%M}", data=data_hash[:16], parameters=parameters,
    )


def briefing_colophon(date: datetime) -> Colophon:
    """Who made the briefing and how to cite it (CITATION.cff), dated ``date``; a broken CITATION.cff stops the build."""
    try:
        return read_colophon(date)
    except CitationError as error:
        raise BuildFailed(str(error)) from error


def render_briefing(executed: Path, staging: Path, profile: dict[str, Any], data: Data, footer: str, colophon: Colophon) -> None:
    """Write briefing.html and briefing.pdf from the executed briefing notebook."""
    import nbformat

    from analysis.study import scope_phrase
    from analysis.report.markup import phrase
    from analysis.report.render import briefing_page, notebook_body_html, write_pdf

    notebook = nbformat.read(str(executed), as_version=4)
    subtitle = phrase("subtitle", scope=scope_phrase(profile, data), profile="" if profile["profile"] == "default" else profile["profile"],
                      data_dir=profile["data_dir"])
    page = briefing_page(notebook_body_html(notebook), TITLE, subtitle, footer, colophon)
    (staging / "briefing.html").write_text(page, encoding="utf-8")
    write_pdf(page, staging / "briefing.pdf")


def final_path(relative: Path, layout: BuildLayout) -> Path:
    """Where a file written under the staging folder ends up."""
    if relative.parts[0] == "figures":
        return layout.figures_dir.joinpath(*relative.parts[1:])
    return layout.outputs_dir / relative


def staged_targets(staging: Path, layout: BuildLayout) -> dict[str, Path]:
    """Where each item of the staging folder belongs (figures to the figures folder)."""
    return {item.name: layout.figures_dir if item.name == "figures" else layout.outputs_dir / item.name
            for item in sorted(staging.iterdir())}


def write_exports(data: Data, staging: Path) -> None:
    """The exchange files: REFI-QDA project and codebook, the open data package, tidy tables.
    The REFI-QDA files, the largest, are written meanwhile by ``python -m analysis qda export``
    in a process of its own, so that on a large corpus the exports use a second core once the
    notebooks are done."""
    from analysis.exchange.opendata import write_datapackage, write_tidy_exports

    qda = subprocess.Popen([sys.executable, "-m", "analysis", "qda", "export", str(staging), "--data-dir", str(data.path)],
                           cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        write_datapackage(data, staging / "opendata")
        write_tidy_exports(data, staging / "opendata")
    finally:
        said = qda.communicate()[1].strip()
    if qda.returncode != 0:
        raise BuildFailed(f"the REFI-QDA export failed (exit {qda.returncode}): {said}")
    if said:
        print(said, file=sys.stderr)  # its warnings


def keep_failed_notebook(executed: Path, kernel_log: Path, layout: BuildLayout) -> Path:
    """Copy the executed notebook (with its traceback) and the kernel's log to the failed folder."""
    layout.failed.mkdir(parents=True, exist_ok=True)
    kept = layout.failed / executed.name
    if executed.exists():
        shutil.copy2(executed, kept)
    shutil.copy2(kernel_log, layout.failed / "kernel.log")
    return kept


def timed(function: Callable[..., Any], *args: Any) -> float:
    """Run the function; return how many seconds it took."""
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def execute_all(notebooks: list[Path], staging: Path, parameters: dict[str, Any], layout: BuildLayout, log: StepLog) -> Path:
    """Run the analysis notebooks, then the briefing, in one shared kernel (the analyses from a
    worker thread, so that the main thread is free to stop the build)."""
    executed_dir = staging / "notebooks"
    executed_dir.mkdir(parents=True)
    stopping = threading.Event()  # set when the build stops: a notebook cut short is no failure to keep

    def run(kernel: SharedKernel, notebook: Path) -> tuple[str, float]:
        started = time.perf_counter()
        executed = executed_dir / notebook.name
        try:
            run_notebook(kernel, notebook, executed, parameters)
        except BuildFailed as error:
            if stopping.is_set():
                raise
            kept = keep_failed_notebook(executed, kernel.log_path, layout)
            raise BuildFailed(f"{error}; executed notebook kept at {display_path(kept)}, "
                              f"the kernel's log at {display_path(layout.failed / 'kernel.log')}") from error
        return notebook.stem, time.perf_counter() - started

    analyses = [p for p in notebooks if not p.name.startswith(BRIEFING_PREFIX)]
    briefings = [p for p in notebooks if p.name.startswith(BRIEFING_PREFIX)]
    with contextlib.ExitStack() as stack:  # left in reverse: stop, kill the kernel, then wait for the thread
        worker = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        kernel = stack.enter_context(SharedKernel(staging / "kernel-1.log"))
        stack.callback(stopping.set)
        for name, seconds in worker.map(lambda notebook: run(kernel, notebook), analyses):
            log.record(f"notebook {name}", seconds)
        for notebook in briefings:
            name, seconds = run(kernel, notebook)
            log.record(f"notebook {name}", seconds)
    return executed_dir / briefings[-1].name


def build(params_path: Path, layout: BuildLayout | None = None, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the whole chain; return the manifest. Raises ParameterError or BuildFailed.

    Without a ``layout`` the profile's own place is used (see `profile_layout`).
    """
    profile = read_profile(Path(params_path))
    data = Data(PROJECT_ROOT / profile["data_dir"])  # opened once: the checks, the validation and the exports read it
    profile = check_against_data(profile, data, display_path(Path(params_path)))
    layout = layout or profile_layout(Path(params_path), profile)
    notebooks = discover_notebooks(layout.notebooks_dir)
    log = StepLog(total_steps=len(notebooks) + 4, echo=echo)

    with publish.exclusive(layout.outputs_dir, echo):
        started = step = time.perf_counter()  # the time spent waiting for another build is not this one's
        _validate_data(data)
        log.record("validate data", time.perf_counter() - step)
        staging = publish.new_staging(layout.outputs_dir)
        try:
            manifest = _build_in(staging, Path(params_path), profile, layout, data, notebooks, log)
            manifest["total_seconds"] = round(time.perf_counter() - started, 3)
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            try:
                publish.promote(staging, staged_targets(staging, layout))
            except OSError as error:
                if not publish.pending(layout.outputs_dir):
                    raise BuildFailed(f"could not start putting the new outputs in place ({error})") from error
                raise PromotionFailed(f"could not put all the new outputs in place ({error}); the next build of "
                                      f"{display_path(layout.outputs_dir)} completes it") from error
        finally:
            publish.discard(staging)
    echo(f"briefing written: {display_path(layout.outputs_dir / 'briefing.html')}, "
         f"{display_path(layout.outputs_dir / 'briefing.pdf')} ({manifest['total_seconds']:.1f} s)")
    return manifest


def _build_in(staging: Path, params_path: Path, profile: dict[str, Any], layout: BuildLayout, data: Data,
              notebooks: list[Path], log: StepLog) -> dict[str, Any]:
    """Every step after validation, written into ``staging``; returns the manifest (less the total time)."""
    with ThreadPoolExecutor(max_workers=1) as side:  # the exports need no notebook: write them meanwhile
        exports = side.submit(timed, write_exports, data, staging)
        executed_briefing = execute_all(notebooks, staging, notebook_parameters(profile, staging), layout, log)
        log.record("write REFI-QDA and open-data exports (beside the notebooks)", exports.result())
    for kernel_log in staging.glob("kernel-*.log"):
        kernel_log.unlink()
    hashes = input_hashes(params_path, data.path, layout.notebooks_dir)
    git = git_state(input_files(params_path, data.path, layout.notebooks_dir))
    step = time.perf_counter()
    render_briefing(executed_briefing, staging, profile, data, provenance_footer(profile, git, data_fingerprint(hashes, data.path)),
                    briefing_colophon(git["date"]))
    log.record("render briefing.html and briefing.pdf", time.perf_counter() - step)
    manifest = {
        "commit_date": git["date"].isoformat(timespec="seconds"),
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "params_file": display_path(params_path),
        "parameters": profile,
        "data_sha256": data_fingerprint(hashes, data.path),
        "inputs": hashes,
        "packages": package_versions(),
        "steps": log.steps,
    }
    step = time.perf_counter()
    manifest["outputs"] = {
        display_path(final_path(p.relative_to(staging), layout)): sha256_file(p)
        for p in sorted(staging.rglob("*")) if p.is_file() and p.relative_to(staging).parts[0] != "notebooks"
    }
    log.record("write manifest", time.perf_counter() - step)
    return manifest


def _validate_data(data: Data) -> None:
    """Stop before any notebook runs when the data has problems (every registered check's,
    the codebook and coding checks included)."""
    import analysis.coding.checks  # noqa: F401  (registers the codebook and coding checks)
    from analysis.evidence.validate import validate_all

    problems = validate_all(data)
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BuildFailed(f"the data in {display_path(data.path)} has {len(problems)} problem(s):\n{lines}{more}")


def _stop(signal_number: int, frame: object) -> None:
    """Stop the build once: while it cleans up, later signals are ignored and the libraries'
    logging (nbclient reports the kernel it loses) is silenced."""
    for number in publish.DEFERRED_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    logging.disable(logging.CRITICAL)
    raise BuildInterrupted(signal_number)


def main(params_path: str, outputs_dir: str | None = None, figures_dir: str | None = None) -> int:
    """Command-line entry: exit 0 on success, 1 on a failed step, 2 on bad parameters, 128 + the
    signal's number when interrupted (130 for Ctrl-C)."""
    previous = {number: signal.signal(number, _stop) for number in publish.DEFERRED_SIGNALS}
    try:
        return _main(params_path, outputs_dir, figures_dir)
    except BuildInterrupted as interrupted:
        print("build interrupted; the previous outputs are unchanged", file=sys.stderr)
        return 128 + interrupted.signal_number
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        logging.disable(logging.NOTSET)


def _main(params_path: str, outputs_dir: str | None, figures_dir: str | None) -> int:
    try:
        layout = None
        if outputs_dir or figures_dir:
            layout = profile_layout(Path(params_path), load_profile(Path(params_path)))
            outputs = Path(outputs_dir).resolve() if outputs_dir else layout.outputs_dir
            figures = Path(figures_dir).resolve() if figures_dir else (outputs / "figures" if outputs_dir else layout.figures_dir)
            layout = BuildLayout(outputs_dir=outputs, figures_dir=figures)
        build(Path(params_path), layout=layout)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as error:
        unchanged = "" if isinstance(error, PromotionFailed) else "\nthe previous outputs are unchanged"
        print(f"build failed: {error}{unchanged}", file=sys.stderr)
        return 1
    except OSError as error:  # an output folder that cannot be made or written, say
        where = f"{display_path(Path(error.filename))}: " if error.filename else ""
        print(f"build failed: {where}{error.strerror or error}\nthe previous outputs are unchanged", file=sys.stderr)
        return 1
    return 0
