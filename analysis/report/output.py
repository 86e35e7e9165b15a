"""Figures and tables as the notebooks save them and the briefing shows them.

Every figure is saved once, as SVG (and, when drawn, a narrower SVG for phones), beside a small
JSON file holding its caption, alt text and the statements behind it (links into the evidence
explorer) and, when given, a CSV of the numbers it draws, so the briefing can show it with the
same words wherever it appears and give its data as a table. Everything is shown through
the templates in ``analysis.report.markup``, so every text is escaped.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from analysis.paths import PROJECT_ROOT, display_path
from analysis.report.markup import caption, render

SMALLEST_TEXT_PX = 9  # no figure text smaller than this many CSS pixels, on any screen
READABLE_TEXT_PX = 12  # figure text on a screen wide enough for the full figure, and on a 390 px phone
PAGE_PADDING_PX = 32  # the body's padding on both sides on a narrow screen (briefing.css)


def in_project(folder: Path | str) -> Path:
    """A folder as given, relative ones taken from the project root (notebooks run in notebooks/)."""
    return PROJECT_ROOT / folder


def save_figure(figure, figures_dir: Path, name: str, caption: str, alt: str, data: pd.DataFrame | None = None,
                evidence: Sequence[Mapping] = (), parameters: Mapping[str, Any] | None = None) -> Path:
    """Write the figure as <name>.svg (``figure`` may be the pair `figures.drawn_twice` gives: the
    phone drawing goes to <name>.phone.svg) with <name>.json (caption, alt text, ``evidence``: the
    statements behind it as rows of explorer links, see `analysis.report.explorer.cell_rows`; and,
    as a table's stamp does, the run ``parameters`` that made it) and <name>.csv (its data); close
    the figures."""
    if not caption.strip() or not alt.strip():
        raise ValueError(f"figure {name!r} needs both a caption and alt text")
    figures_dir = in_project(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    svg_path = figures_dir / f"{name}.svg"
    drawings = zip(figure if isinstance(figure, tuple) else (figure,), (svg_path, figures_dir / f"{name}.phone.svg"))
    for drawn, figure_path in drawings:
        # Text stays text (searchable, sharp, quick to print); a fixed salt makes the SVG ids reproducible.
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
            drawn.savefig(figure_path, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(drawn)
    words = {"caption": caption, "alt": alt, **({"evidence": list(evidence)} if evidence else {}),
             **({"parameters": _compared(parameters)} if parameters is not None else {})}
    (figures_dir / f"{name}.json").write_text(json.dumps(words, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if data is not None:
        data.to_csv(figures_dir / f"{name}.csv", index=False, lineterminator="\n")
    return svg_path


def svg_geometry(svg: str) -> tuple[float, float, float]:
    """The SVG's width and height in CSS pixels and its smallest font size in its own units."""
    width, height = (float(re.search(rf'{side}="([0-9.]+)pt"', svg).group(1)) * 4 / 3 for side in ("width", "height"))
    view_width = float(re.search(r'viewBox="[0-9.\s-]+?\s([0-9.]+)\s[0-9.]+"', svg).group(1))
    sizes = [float(size) for size in re.findall(r"font-size: ?([0-9.]+)px", svg)]
    smallest = min(sizes) * width / view_width if sizes else SMALLEST_TEXT_PX
    return width, height, smallest


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def figure_html(figures_dir: Path, name: str, number: int | None = None, parameters: Mapping[str, Any] | None = None,
                run: str = "run the build with these parameters first") -> str:
    """A <figure>: the SVG embedded as a data URI, its alt text, caption and data table. Where a
    phone drawing was saved, screens too narrow for the full figure's text to reach 12 CSS px get
    it instead (a <picture> source); whichever is shown is never drawn so small that its text goes
    below 9 CSS px (it scrolls in its own box instead). Given run ``parameters``, a figure made with
    others (or with none recorded) is refused, as :func:`read_table` refuses a table, saying to ``run``."""
    figures_dir = in_project(figures_dir)
    words = json.loads((figures_dir / f"{name}.json").read_text(encoding="utf-8"))
    if parameters is not None:
        refuse_another_run(figures_dir / f"{name}.svg", words.get("parameters"), parameters, run)
    svg = (figures_dir / f"{name}.svg").read_text(encoding="utf-8")
    width, height, smallest = svg_geometry(svg)
    phone_path = figures_dir / f"{name}.phone.svg"
    phone = phone_path.read_text(encoding="utf-8") if phone_path.exists() else None
    narrowest = svg_geometry(phone) if phone else (width, height, smallest)
    data_path = figures_dir / f"{name}.csv"
    data = pd.read_csv(data_path) if data_path.exists() else None
    return render(
        "figure.html.j2", name=name, number=number, alt=words["alt"], caption=words["caption"], data_uri=_data_uri(svg),
        phone_uri=_data_uri(phone) if phone else "", phone_below=math.ceil(width * READABLE_TEXT_PX / smallest) + PAGE_PADDING_PX,
        width=round(width), height=round(height), min_width=math.ceil(narrowest[0] * SMALLEST_TEXT_PX / narrowest[2]),
        table=table_html(data, caption("figure_numbers", number=number), row_headers=True) if data is not None else "",
    )


def figure_evidence(figures_dir: Path, numbers: Mapping[str, int]) -> list[dict]:
    """The statements behind each figure shown (name -> its number), in number order, for the
    explorer: each figure's name, number, finding (its caption's first sentence) and rows of links,
    or ``same_as``, the first figure drawn from the same statements (its rows are listed once)."""
    figures_dir = in_project(figures_dir)
    shown: list[dict] = []
    first_with: dict[str, dict] = {}
    for name, number in sorted(numbers.items(), key=lambda pair: pair[1]):
        words = json.loads((figures_dir / f"{name}.json").read_text(encoding="utf-8"))
        rows = words.get("evidence", [])
        same_as = first_with.setdefault(json.dumps(rows), {"name": name, "number": number}) if rows else None
        shown.append({"name": name, "number": number, "finding": first_sentence(words["caption"]), "rows": rows,
                      "same_as": same_as if same_as and same_as["name"] != name else None})
    return shown


def first_sentence(text: str) -> str:
    """A caption's first sentence: its finding."""
    return re.split(r"(?<=[.])\s+(?=[A-Z0-9])", text.strip(), maxsplit=1)[0]


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
    """A saved table or figure is missing or was made with other run parameters than the reader's."""


def refuse_another_run(path: Path, made_with: Mapping[str, Any] | None, parameters: Mapping[str, Any], run: str) -> None:
    """Raise :class:`TableFromAnotherRun` when an output at ``path`` records no run parameters
    (``made_with``) or other ones than ``parameters``; ``run`` says what to do."""
    if made_with is None:
        raise TableFromAnotherRun(f"{display_path(path)} records no run parameters; {run}")
    wanted = _compared(parameters)
    differing = [f"{key} {made_with.get(key)!r}, not {wanted.get(key)!r}" for key in sorted(set(wanted) | set(made_with))
                 if made_with.get(key) != wanted.get(key)]
    if differing:
        raise TableFromAnotherRun(f"{display_path(path)} was made with other parameters ({'; '.join(differing)}); {run}")


def read_table(tables_dir: Path, name: str, parameters: Mapping[str, Any],
               run: str = "run the notebook that writes it with these parameters first") -> pd.DataFrame:
    """A table written by `save_table`, refused unless it was made with these run parameters
    (the refusal says to ``run``)."""
    tables_dir = in_project(tables_dir)
    path, stamp_path = tables_dir / f"{name}.csv", tables_dir / f"{name}.json"
    if not path.is_file():
        raise TableFromAnotherRun(f"{display_path(path)} is missing; {run}")
    made_with = json.loads(stamp_path.read_text(encoding="utf-8"))["parameters"] if stamp_path.is_file() else None
    refuse_another_run(path, made_with, parameters, run)
    return pd.read_csv(path)


def _compared(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The run parameters that shape a table (not the profile's name or description)."""
    return {key: value for key, value in parameters.items() if key not in ("profile", "description")}


REFLOW_TEXT_LENGTH = 60  # a table holding text longer than this reads as cards on a phone
WIDE_COLUMNS = 12  # a table with this many columns or more is printed on a landscape page


def table_html(table: pd.DataFrame, caption: str, row_headers: bool = False,
               links: Mapping[str, Sequence[str]] | None = None) -> str:
    """A table as HTML with a caption, in a box that scrolls sideways on its own on a narrow
    screen, or, when it holds long text (quotes), that turns each row into a card there;
    numbers right-aligned; the first column as row headers when asked; printed on a landscape page
    when it has :data:`WIDE_COLUMNS` columns or more. ``links`` makes the
    cells of a column links: column -> one address per row ("" for none)."""
    if not caption.strip():
        raise ValueError("a table needs a caption")
    links = links or {}
    for column, hrefs in links.items():
        if column not in table.columns or len(hrefs) != len(table):
            raise ValueError(f"links for {column!r} must name a column and give one address per row")
    css = {column: _cell_class(table[column]) for column in table.columns}
    shown = {column: format_p if _holds_p_values(column) else _format for column in table.columns}
    texts = [table[column].map(_format) for column in table.columns if css[column] == "text"]
    reflow = any(len(text) and text.str.len().max() > REFLOW_TEXT_LENGTH for text in texts)
    return render(
        "table.html.j2", caption=caption, row_headers=row_headers, reflow=reflow, wide=len(table.columns) >= WIDE_COLUMNS,
        columns=[{"name": str(column), "css": css[column]} for column in table.columns],
        rows=[[{"text": shown[column](value), "css": css[column], "href": links[column][i] if column in links else ""}
               for column, value in row.items()] for i, (_, row) in enumerate(table.iterrows())],
    )


def format_p(p: float) -> str:
    """A p-value as the briefing prints it: three decimals, or "< 0.001"."""
    if pd.isna(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _holds_p_values(column: object) -> bool:
    """Whether a column holds p-values: its heading is the letter p, alone or before its qualifier ("p (...)", "p, ...")."""
    return re.match(r"p(?:[ ,]|$)", str(column)) is not None


def _cell_class(column: pd.Series) -> str:
    return "number" if pd.api.types.is_numeric_dtype(column) else "text"


def _format(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.2f}"
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)
