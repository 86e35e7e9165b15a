"""Figures and tables as the notebooks save them and the briefing shows them.

Every figure is saved once, as SVG, beside a small JSON file holding its caption and alt
text, so the briefing can show it with the same words wherever it appears.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT, display_path


def in_project(folder: Path | str) -> Path:
    """A folder as given, relative ones taken from the project root (notebooks run in notebooks/)."""
    return PROJECT_ROOT / folder


def save_figure(figure, figures_dir: Path, name: str, caption: str, alt: str) -> Path:
    """Write the figure as <name>.svg with <name>.json (caption, alt text); close it."""
    if not caption.strip() or not alt.strip():
        raise ValueError(f"figure {name!r} needs both a caption and alt text")
    figures_dir = in_project(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    svg_path = figures_dir / f"{name}.svg"
    # Text stays text (searchable, sharp, quick to print); a fixed salt makes the SVG ids reproducible.
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(svg_path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    (figures_dir / f"{name}.json").write_text(
        json.dumps({"caption": caption, "alt": alt}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return svg_path


def figure_html(figures_dir: Path, name: str, number: int | None = None) -> str:
    """A <figure> with the SVG embedded as a data URI, its alt text and its caption."""
    figures_dir = in_project(figures_dir)
    words = json.loads((figures_dir / f"{name}.json").read_text(encoding="utf-8"))
    svg = (figures_dir / f"{name}.svg").read_bytes()
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    label = f"Figure {number}. " if number is not None else ""
    return (
        f'<figure id="figure-{html.escape(name)}"><img src="{data_uri}" alt="{html.escape(words["alt"])}">'
        f"<figcaption>{html.escape(label)}{html.escape(words['caption'])}</figcaption></figure>"
    )


def save_table(table: pd.DataFrame, tables_dir: Path, name: str, parameters: Mapping[str, Any]) -> Path:
    """Write a full table as <name>.csv (UTF-8, LF), and the run parameters that made it as <name>.json."""
    tables_dir = in_project(tables_dir)
    tables_dir.mkdir(parents=True, exist_ok=True)
    path = tables_dir / f"{name}.csv"
    table.to_csv(path, index=False, lineterminator="\n")
    stamp = {"table": path.name, "parameters": _compared(parameters)}
    (tables_dir / f"{name}.json").write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


class TableFromAnotherRun(ValueError):
    """A saved table is missing or was made with other run parameters than the reader's."""


def read_table(tables_dir: Path, name: str, parameters: Mapping[str, Any]) -> pd.DataFrame:
    """A table written by `save_table`, refused unless it was made with these run parameters."""
    tables_dir = in_project(tables_dir)
    path, stamp_path = tables_dir / f"{name}.csv", tables_dir / f"{name}.json"
    run = f"run {notebook_writing(name) or 'the notebook that writes it'} with these parameters first"
    if not path.is_file():
        raise TableFromAnotherRun(f"{display_path(path)} is missing; {run}")
    made_with = json.loads(stamp_path.read_text(encoding="utf-8"))["parameters"] if stamp_path.is_file() else None
    if made_with is None:
        raise TableFromAnotherRun(f"{display_path(path)} records no run parameters; {run}")
    wanted = _compared(parameters)
    differing = [f"{key} {made_with.get(key)!r}, not {wanted.get(key)!r}" for key in sorted(set(wanted) | set(made_with))
                 if made_with.get(key) != wanted.get(key)]
    if differing:
        raise TableFromAnotherRun(f"{display_path(path)} was made with other parameters ({'; '.join(differing)}); {run}")
    return pd.read_csv(path)


def notebook_writing(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> str | None:
    """The notebook whose code saves the table ``name`` (a literal name, or an f-string pattern)."""
    for notebook in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        for written in _SAVED_NAME.findall(code):
            if re.fullmatch(re.sub(r"\\\{.*?\\\}", ".+", re.escape(written)), name):
                return display_path(notebook)
    return None


_SAVED_NAME = re.compile(r"save_table\([^\n]*?,\s*f?\"([^\"]+)\"")


def _compared(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The run parameters that shape a table (not the profile's name or description)."""
    return {key: value for key, value in parameters.items() if key not in ("profile", "description")}


def table_html(table: pd.DataFrame, caption: str, source_table: str | None = None) -> str:
    """A short table as HTML with a caption; numbers right-aligned; where the full table is."""
    if not caption.strip():
        raise ValueError("a table needs a caption")
    note = f" Full table: <code>outputs/tables/{html.escape(source_table)}.csv</code>." if source_table else ""
    header = "".join(
        f'<th class="{_cell_class(table[column])}" scope="col">{html.escape(str(column))}</th>' for column in table.columns
    )
    rows = "".join(
        "<tr>" + "".join(
            f'<td class="{_cell_class(table[column])}">{html.escape(_format(value))}</td>'
            for column, value in row.items()
        ) + "</tr>"
        for _, row in table.iterrows()
    )
    return f"<table><caption>{html.escape(caption)}{note}</caption><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def format_p(p: float) -> str:
    """A p-value as the briefing prints it: three decimals, or "< 0.001"."""
    if pd.isna(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _cell_class(column: pd.Series) -> str:
    return "number" if pd.api.types.is_numeric_dtype(column) else "text"


def _format(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.2f}"
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)
