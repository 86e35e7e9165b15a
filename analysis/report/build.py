"""The build: every notebook in order, then the briefing as HTML and PDF, in one process.

Nothing is written over the last good outputs until every step has succeeded: the build works
in ``outputs/.staging/`` and moves its results into place at the end. A notebook that raises
stops the build; its executed copy is kept in ``outputs/failed/``.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from analysis.params import load_profile
from analysis.paths import FIGURES_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT, display_path

BRIEFING_PREFIX = "90_"
TITLE = "The future of social work: what stakeholders said"
EXPORT_NAME = "social_work_visioning"
RECORDED_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbconvert",
    "nbclient", "ipykernel", "pandera", "krippendorff", "weasyprint", "lxml", "frictionless",
)


class BuildFailed(RuntimeError):
    """A step of the build failed; the message says which and where to look."""


@dataclass
class BuildLayout:
    """Where the build reads notebooks and writes its results."""

    notebooks_dir: Path = NOTEBOOKS_DIR
    outputs_dir: Path = OUTPUTS_DIR
    figures_dir: Path = FIGURES_DIR

    @property
    def staging(self) -> Path:
        return self.outputs_dir / ".staging"

    @property
    def failed(self) -> Path:
        return self.outputs_dir / "failed"


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


def run_notebook(notebook: Path, executed: Path, parameters: dict[str, Any]) -> None:
    """Execute one notebook with papermill's API; raise BuildFailed naming the cell on error."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name="python3",
            cwd=str(PROJECT_ROOT), progress_bar=False, log_output=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # kernels' start-up chatter off the console
        )
    except PapermillExecutionError as error:
        number, line = failing_cell(notebook, executed)
        raise BuildFailed(
            f"{display_path(notebook)} failed in cell {number} ({line!r}): "
            f"{error.ename}: {' '.join(str(error.evalue).split())}"
        ) from error


def failing_cell(notebook: Path, executed: Path) -> tuple[int, str]:
    """The 1-based number, in the source notebook, and the first line of the cell that raised."""
    import nbformat

    failed = next(
        (cell.source for cell in nbformat.read(str(executed), as_version=4).cells
         if any(output.get("output_type") == "error" for output in cell.get("outputs", []))), "",
    )
    sources = [cell.source for cell in nbformat.read(str(notebook), as_version=4).cells]
    number = sources.index(failed) + 1 if failed in sources else 0
    return number, (failed.strip().splitlines() or [""])[0]


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
    """Everything a briefing depends on: data, notebooks, the profile, the package's code."""
    package = PROJECT_ROOT / "analysis"
    files = [
        *sorted(p for p in Path(data_dir).rglob("*") if p.is_file()),
        *sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")),
        Path(params_path),
        *sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".css"}),
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


def git_state() -> dict[str, Any]:
    """The commit the build ran on, and whether the working tree had changes."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or "unknown", "dirty": bool(git("status", "--porcelain"))}


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
    return (
        f"<p>Built {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from commit {html.escape(commit)}; "
        f"data sha256 {data_hash[:16]}; profile parameters: {html.escape(parameters)}. "
        "The full record (every input's sha256, package versions, timings) is in outputs/manifest.json.</p>"
    )


def render_briefing(executed: Path, staging: Path, profile: dict[str, Any], footer: str) -> None:
    """Write briefing.html and briefing.pdf from the executed briefing notebook."""
    import nbformat

    from analysis.report.render import briefing_page, notebook_body_html, write_pdf

    notebook = nbformat.read(str(executed), as_version=4)
    subtitle = (
        "Lancaster visioning project (2012), Changing Lives (2006) and two 2016 voices compared. "
        f"Run profile: {profile['profile']}. Data: {profile['data_dir']}/."
    )
    page = briefing_page(notebook_body_html(notebook), TITLE, subtitle, footer)
    (staging / "briefing.html").write_text(page, encoding="utf-8")
    write_pdf(page, staging / "briefing.pdf")


def final_path(relative: Path, layout: BuildLayout) -> Path:
    """Where a file written under the staging folder ends up."""
    if relative.parts[0] == "figures":
        return layout.figures_dir.joinpath(*relative.parts[1:])
    return layout.outputs_dir / relative


def promote(staging: Path, layout: BuildLayout) -> None:
    """Move the finished results into place, replacing the previous ones (figures to figures/)."""
    for item in sorted(staging.iterdir()):
        target = layout.figures_dir if item.name == "figures" else layout.outputs_dir / item.name
        if target.is_dir():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        item.replace(target)
    shutil.rmtree(staging, ignore_errors=True)


def write_exports(data_dir: Path, staging: Path) -> None:
    """The exchange files: REFI-QDA project and codebook, the open data package, tidy tables."""
    from analysis.exchange.opendata import write_datapackage, write_tidy_exports
    from analysis.exchange.qda import write_qdc, write_qdpx

    write_qdpx(data_dir, staging / f"{EXPORT_NAME}.qdpx")
    write_qdc(data_dir, staging / f"{EXPORT_NAME}.qdc")
    write_datapackage(data_dir, staging / "opendata")
    write_tidy_exports(data_dir, staging / "opendata")


def keep_failed_notebook(executed: Path, layout: BuildLayout) -> Path:
    layout.failed.mkdir(parents=True, exist_ok=True)
    kept = layout.failed / executed.name
    if executed.exists():
        shutil.copy2(executed, kept)
    return kept


def timed(function: Callable[..., Any], *args: Any) -> float:
    """Run the function; return how many seconds it took."""
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def execute_all(notebooks: list[Path], staging: Path, parameters: dict[str, Any], layout: BuildLayout, log: StepLog, jobs: int) -> Path:
    """Run the analysis notebooks (in parallel: each reads only the data), then the briefing."""
    executed_dir = staging / "notebooks"
    executed_dir.mkdir(parents=True)

    def run(notebook: Path) -> tuple[str, float]:
        started = time.perf_counter()
        executed = executed_dir / notebook.name
        try:
            run_notebook(notebook, executed, parameters)
        except BuildFailed as error:
            kept = keep_failed_notebook(executed, layout)
            raise BuildFailed(f"{error}; executed notebook kept at {display_path(kept)}") from error
        return notebook.stem, time.perf_counter() - started

    analyses = [p for p in notebooks if not p.name.startswith(BRIEFING_PREFIX)]
    briefings = [p for p in notebooks if p.name.startswith(BRIEFING_PREFIX)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, seconds in pool.map(run, analyses):
            log.record(f"notebook {name}", seconds)
    for notebook in briefings:
        name, seconds = run(notebook)
        log.record(f"notebook {name}", seconds)
    return executed_dir / briefings[-1].name


def build(params_path: Path, layout: BuildLayout | None = None, jobs: int = 2, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the whole chain; return the manifest. Raises ParameterError or BuildFailed."""
    layout = layout or BuildLayout()
    started = time.perf_counter()
    profile = load_profile(Path(params_path))
    data_dir = PROJECT_ROOT / profile["data_dir"]
    notebooks = discover_notebooks(layout.notebooks_dir)
    log = StepLog(total_steps=len(notebooks) + 4, echo=echo)

    step = time.perf_counter()
    _validate_data(data_dir)
    log.record("validate data", time.perf_counter() - step)

    staging = layout.staging
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with ThreadPoolExecutor(max_workers=1) as side:  # the exports need no notebook: write them meanwhile
            exports = side.submit(timed, write_exports, data_dir, staging)
            executed_briefing = execute_all(notebooks, staging, notebook_parameters(profile, staging), layout, log, jobs)
            log.record("write REFI-QDA and open-data exports (beside the notebooks)", exports.result())
        hashes = input_hashes(params_path, data_dir, layout.notebooks_dir)
        git = git_state()
        step = time.perf_counter()
        render_briefing(executed_briefing, staging, profile, provenance_footer(profile, git, data_fingerprint(hashes, data_dir)))
        log.record("render briefing.html and briefing.pdf", time.perf_counter() - step)
        manifest = {
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "git_commit": git["commit"],
            "git_dirty": git["dirty"],
            "params_file": display_path(Path(params_path)),
            "parameters": profile,
            "data_sha256": data_fingerprint(hashes, data_dir),
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
        manifest["total_seconds"] = round(time.perf_counter() - started, 3)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        promote(staging, layout)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    echo(f"briefing written: {display_path(layout.outputs_dir / 'briefing.html')}, "
         f"{display_path(layout.outputs_dir / 'briefing.pdf')} ({manifest['total_seconds']:.1f} s)")
    return manifest


def _validate_data(data_dir: Path) -> None:
    """Stop before any notebook runs when the data has problems."""
    import analysis.coding.codes  # noqa: F401  (registers the codebook and coding checks)
    from analysis.evidence.validate import validate_all

    problems = validate_all(data_dir)
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BuildFailed(f"the data in {display_path(data_dir)} has {len(problems)} problem(s):\n{lines}{more}")


def main(params_path: str, jobs: int = 2, outputs_dir: str | None = None, figures_dir: str | None = None) -> int:
    """Command-line entry: exit 0 on success, 1 on a failed step, 2 on bad parameters."""
    from analysis.params import ParameterError

    layout = BuildLayout(
        outputs_dir=Path(outputs_dir).resolve() if outputs_dir else OUTPUTS_DIR,
        figures_dir=Path(figures_dir).resolve() if figures_dir else FIGURES_DIR,
    )
    try:
        build(Path(params_path), layout=layout, jobs=jobs)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as error:
        print(f"build failed: {error}\nthe previous outputs/briefing.* are unchanged", file=sys.stderr)
        return 1
    return 0
