"""Figures for the briefing: one colour-blind-safe palette, used the same way everywhere.

Themes take Paul Tol's "muted" colours and groups the Okabe-Ito colours, each assigned in
sorted id order. Every figure that shows themes or codes takes their colours as ``colours``,
made by one function, `codebook_colours`, which assigns them over the whole codebook, so a theme
keeps its colour in every figure whichever themes it shows. A codebook with more themes than the
muted scheme has colours continues with Tol's "light" scheme (distinct, but paler); beyond both
(17 themes), the colours start again in the same order. Every figure names each theme beside
its colour (a label or a key), so a paler or repeated colour is never the only way to tell two
themes apart.

Every function returns a matplotlib Figure (not shown, not saved) ``width`` inches wide: 6.5 in
(A4 text width) by default, or `PHONE_WIDTH`, narrow enough that its text is at least 12 CSS
px on a 390 px phone; sans-serif, without titles: captions come from the document. Ids are
shown in plain words (underscores to spaces) unless ``labels`` maps an id to a display label;
long labels wrap to the figure's width.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from adjustText import adjust_text
from scipy.cluster.hierarchy import dendrogram

from analysis.coding.reliability import THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE
from analysis.compare.comparisons import CorrespondenceAnalysis, linkage_for_dendrogram
from analysis.report.markup import label
from analysis.report.reliability_text import threshold_text

# Paul Tol, "muted" qualitative scheme (https://personal.sron.nl/~pault/), without its grey.
THEME_PALETTE = (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
    "#882255", "#44AA99", "#999933", "#AA4499",
)
# Okabe & Ito (2008), "Color Universal Design", black last.
GROUP_PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442",
    "#0072B2", "#D55E00", "#CC79A7", "#000000",
)
# Paul Tol, "light" qualitative scheme, without its grey: the fallback past the muted colours.
THEME_FALLBACK_PALETTE = (
    "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF",
    "#44BB99", "#BBCC33", "#AAAA00",
)
NOT_CODABLE_THEME = "none"  # the theme of the not_codable code: no colour of its own
NEUTRAL = "#555555"  # anything that is neither a theme nor a group (points, lines, links)
OUTLINE = "#333333"  # edge of every coloured marker: at least 3:1 against white, whatever its fill
SUPPRESSED_FILL = "#EEEEEE"
ADJUST_TEXT_PAIR_MOVES = 1_750_000  # label moves x labels^2: a fixed budget, not adjustText's default of one second, so rebuilds are identical
SUPPRESSED_HATCH = "#6E6E6E"  # at least 3:1 against the suppressed cells' fill
SEQUENTIAL_CMAP = "Blues"  # shares and similarities: light = low, dark = high
A4_WIDTH = 6.5
PHONE_WIDTH = 3.3  # inches: with its margins, 8.5 pt text stays at least 12 CSS px when the figure fills a 390 px phone's 358 px column
SMALLEST_PT = 8.5  # figure text in points as drawn: at least 8 pt on A4 once a figure is fitted to the column
STYLE = {
    "font.family": "sans-serif",
    "font.size": 8.5,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": SMALLEST_PT,
}

__all__ = [
    "THEME_PALETTE",
    "GROUP_PALETTE",
    "theme_colours",
    "group_colours",
    "codebook_colours",
    "drawn_twice",
    "percent_range",
    "PHONE_WIDTH",
    "prevalence_heatmap",
    "similarity_heatmap",
    "dendrogram_figure",
    "ca_map",
    "cooccurrence_network",
    "source_comparison_figure",
    "voice_subject_figure",
    "alpha_forest",
]


# --- palette ---------------------------------------------------------------------------


def _assign(ids: Iterable[str], palette: tuple[str, ...], kind: str) -> dict[str, str]:
    """Colours from ``palette`` in sorted id order; raises when there are too many ids."""
    ordered = sorted(set(ids))
    if len(ordered) > len(palette):
        raise ValueError(
            f"{len(ordered)} {kind} but the colour-blind-safe palette has {len(palette)} "
            f"colours; show fewer {kind} or a broader grouping"
        )
    return dict(zip(ordered, palette))


def theme_colours(theme_ids: Iterable[str]) -> dict[str, str]:
    """Theme id -> colour (Tol muted, then Tol light), assigned in sorted id order; past 17 themes
    the colours start again (every figure labels each theme, so a colour never identifies one alone)."""
    ordered = sorted(set(theme_ids))
    palette = THEME_PALETTE + THEME_FALLBACK_PALETTE
    return {theme: palette[i % len(palette)] for i, theme in enumerate(ordered)}


def group_colours(group_ids: Iterable[str]) -> dict[str, str]:
    """Group id -> colour (Okabe-Ito), assigned in sorted id order; at most 8 groups."""
    return _assign(group_ids, GROUP_PALETTE, "groups")


def codebook_colours(codebook: Mapping) -> dict[str, str]:
    """Every theme and code of the codebook -> its colour, the one source of every figure's colours:
    themes by `theme_colours` over all the codebook's themes (not the not-codable one), each
    code a shade of its theme's colour, lighter to darker in sorted id order, so the codes of one
    theme read as one family (figures name each code, so the shade never identifies it alone)."""
    themes = theme_colours(theme["id"] for theme in codebook["themes"] if theme["id"] != NOT_CODABLE_THEME)
    colours = dict(themes)
    for theme, base in themes.items():
        codes = sorted(code["id"] for code in codebook["codes"] if code["theme"] == theme)
        colours.update(zip(codes, _shades(base, len(codes))))
    return colours


def _shades(colour: str, count: int) -> list[str]:
    """``count`` shades of ``colour``, from mixed 40% with white to mixed 40% with black."""
    if count == 1:
        return [colour]
    base = np.array(mpl.colors.to_rgb(colour))
    shades = []
    for step in np.linspace(-0.4, 0.4, count):
        towards = np.ones(3) if step < 0 else np.zeros(3)
        shades.append(mpl.colors.to_hex(base + abs(step) * (towards - base)))
    return shades


# --- shared helpers --------------------------------------------------------------------


def _styled(function: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure under the house style."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs) -> Figure:
        with mpl.rc_context(STYLE):
            return function(*args, **kwargs)

    return wrapper


def drawn_twice(function: Callable[..., Figure], *args, **kwargs) -> tuple[Figure, Figure]:
    """A figure function's figure at A4 width and at `PHONE_WIDTH`, from the same arguments."""
    return function(*args, **kwargs, width=A4_WIDTH), function(*args, **kwargs, width=PHONE_WIDTH)


def _wrap(text: str, width: float, share: float = 1.0) -> str:
    """``text`` as drawn in a figure ``width`` inches wide: whole at A4 width; on a narrower
    figure each line wrapped to the characters that ``share`` of its width holds."""
    if width >= A4_WIDTH:
        return text
    chars = max(10, int(width * CHARS_PER_INCH * share))
    return "\n".join(wrapped for line in text.split("\n") for wrapped in textwrap.wrap(line, chars) or [""])


CHARS_PER_INCH = 14  # characters of 8.5 pt sans-serif text in an inch, with a little room
BESIDE_LABELS = 0.6  # the share of a figure's width under (or over) a plot whose labels take its left side
KEY = 0.8  # the share of a narrow figure's width an entry of its key may take, beside its marker
PHONE_NUMBERED_COLUMNS = 12  # a phone's heatmap numbers its cells up to this many columns
SIDE = 0.3  # the share of a figure's width each side's name takes over a difference chart, at any width


def _plain(identifier: object, labels: Mapping[str, str] | None, width: float = A4_WIDTH, share: float = 0.4) -> str:
    """Display label for an id: ``labels[id]`` or the id with underscores as spaces, wrapped to fit
    ``share`` of a narrow figure."""
    text = str(identifier)
    return _wrap((labels or {}).get(text, text.replace("_", " ")), width, share)


def _row_height(labels: Iterable[str], at_least: float) -> float:
    """Inches per row of a plot labelled on its left: ``at_least``, or room for its tallest (wrapped) label."""
    return max(at_least, LINE_HEIGHT * max((text.count("\n") + 1 for text in labels), default=1) + 0.08)


LINE_HEIGHT = 0.15  # inches per line of 8.5 pt text


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    def luminance(colour: str) -> float:
        rgb = np.array(mpl.colors.to_rgb(colour))
        linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (always at least 4.5:1)."""
    return max(("#000000", "#FFFFFF"), key=lambda ink: contrast_ratio(ink, background))


def _item_column(table: pd.DataFrame) -> str:
    """The code or theme column of a table from `analysis.compare.comparisons`."""
    for column in ("theme_id", "code_id"):
        if column in table:
            return column
    raise ValueError("table has neither a theme_id nor a code_id column")


def _figure(height: float, width: float) -> tuple[Figure, mpl.axes.Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def percent_range(shares: pd.DataFrame | pd.Series) -> tuple[float, float]:
    """The colour scale of shares in percent: the data's range, widened to whole tens."""
    values = 100 * np.asarray(shares, dtype=float)
    low, high = np.nanmin(values), np.nanmax(values)
    low, high = 10 * np.floor(low / 10), 10 * np.ceil(high / 10)
    return float(low), float(max(high, low + 10))


# --- heatmaps and dendrogram -----------------------------------------------------------


@_styled
def prevalence_heatmap(
    table: pd.DataFrame, *, colours: Mapping[str, str], min_n: int | None = None,
    labels: Mapping[str, str] | None = None, width: float = A4_WIDTH,
) -> Figure:
    """Groups (rows) x themes (columns) shaded by share in percent and annotated with counts.

    ``table`` is a `prevalence_with_ci` table (group column first), optionally passed
    through `suppress_small`: suppressed cells are hatched grey with no number, and the axis
    label says why (``min_n`` states the threshold). The colour scale spans the shares' range
    (`percent_range`); a strip above each column shows its theme's colour (``colours``). Row
    labels carry each group's number of contributions.
    """
    group_col, item_col = table.columns[0], _item_column(table)
    groups, items = pd.unique(table[group_col]), pd.unique(table[item_col])

    def grid(values: str) -> pd.DataFrame:
        return table.pivot(index=group_col, columns=item_col, values=values).reindex(
            index=groups, columns=items
        )

    shares = grid("share").astype(float)
    counts = grid("n")
    hidden = (
        grid("suppressed").fillna(False).astype(bool).to_numpy()
        if "suppressed" in table
        else np.zeros(shares.shape, dtype=bool)
    )
    annotations = np.where(
        hidden, "", counts.map(lambda v: "" if pd.isna(v) else str(int(v))).to_numpy()
    )
    denominators = table.groupby(group_col, sort=False)["denominator"].first().reindex(groups)
    row_labels = [_wrap(label("with_n", name=_plain(g, labels), n=int(d)), width, 0.4) for g, d in denominators.items()]
    low, high = percent_range(shares.mask(hidden))

    phone = width < A4_WIDTH
    numbered = not phone or len(items) <= PHONE_NUMBERED_COLUMNS  # more columns leave a phone's cells too narrow for numbers
    column_labels = [_plain(i, labels) for i in items]  # upright on a phone: never wrapped
    # On a phone the colour key goes under the grid, leaving its width to the columns, and each row has room for a wrapped label.
    height = (1.6 + _row_height(row_labels, 0.3) * len(groups) + max(map(len, column_labels)) * SMALLEST_PT * 0.55 / 72 if phone
              else 2.0 + 0.22 * len(groups))
    figure, ax = _figure(height, width)
    sns.heatmap(
        100 * shares, mask=hidden, annot=annotations if numbered else False, fmt="", cmap=SEQUENTIAL_CMAP, vmin=low, vmax=high,
        linewidths=0.5, linecolor="white", ax=ax, xticklabels=column_labels, yticklabels=row_labels,
        cbar_kws={"label": _wrap(label("group_share_scale"), width, BESIDE_LABELS), "shrink": 0.6, "format": mpl.ticker.PercentFormatter(decimals=0),
                  **({"orientation": "horizontal", "location": "bottom"} if phone else {})},
        annot_kws={"fontsize": SMALLEST_PT},
    )
    cmap, norm = mpl.colormaps[SEQUENTIAL_CMAP], mpl.colors.Normalize(low, high)
    for text in ax.texts:  # each number in black or white, whichever reads better on its cell
        column, row = int(text.get_position()[0]), int(text.get_position()[1])
        text.set_color(readable_on(mpl.colors.to_hex(cmap(norm(100 * float(shares.iat[row, column]))))))
    for row, column in zip(*np.nonzero(hidden)):
        ax.add_patch(
            Rectangle((column, row), 1, 1, facecolor=SUPPRESSED_FILL, hatch="///",
                      hatchcolor=SUPPRESSED_HATCH, edgecolor="white", linewidth=0.5)
        )
    for column, item in enumerate(items):  # the theme's colour above its column
        ax.add_patch(Rectangle((column + 0.08, -0.3), 0.84, 0.22, facecolor=colours.get(str(item), NEUTRAL),
                               edgecolor=OUTLINE, linewidth=0.4, clip_on=False))
    ax.tick_params(axis="x", labelrotation=90 if phone else 35, length=0)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("center" if phone else "right")
    ax.tick_params(axis="y", length=0, labelrotation=0)  # seaborn turns crowded row names upright; they are wrapped instead
    x_label = label("prevalence_axis", kind=item_col.removesuffix("_id"), numbered=numbered, hatched=hidden.any(), min_n=min_n)
    ax.set_xlabel(_wrap(x_label, width, BESIDE_LABELS))
    ax.set_ylabel(label("groups_axis") if not phone else "")
    return figure


@_styled
def similarity_heatmap(similarity: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                       width: float = A4_WIDTH) -> Figure:
    """Lower triangle of a group x group similarity matrix, annotated to two decimals."""
    names = [_plain(g, labels, width, 0.3) for g in similarity.index]
    upper = np.triu(np.ones(similarity.shape, dtype=bool), k=1)
    figure, ax = _figure(min(width, 1.6 + 0.4 * len(names)) + (1.0 if width < A4_WIDTH else 0), width)
    sns.heatmap(
        similarity.astype(float), mask=upper, annot=True, fmt=".2f", cmap=SEQUENTIAL_CMAP,
        vmin=0, vmax=1, square=True, linewidths=0.5, linecolor="white", ax=ax,
        xticklabels=[_plain(g, labels) for g in similarity.index], yticklabels=names, annot_kws={"fontsize": SMALLEST_PT},
        cbar_kws={"label": _wrap(label("similarity_scale"), width, 0.35), "shrink": 0.6},
    )
    ax.tick_params(axis="x", labelrotation=40 if width >= A4_WIDTH else 90, length=0)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right" if width >= A4_WIDTH else "center")
    ax.tick_params(axis="y", length=0, labelrotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return figure


@_styled
def dendrogram_figure(similarity: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                      width: float = A4_WIDTH) -> Figure:
    """Average-linkage dendrogram of groups: leaves labelled on the left, distance rising to the right."""
    names = [_plain(g, labels, width) for g in similarity.index]
    figure, ax = _figure(1.0 + _row_height(names, 0.3) * len(names), width)
    dendrogram(
        linkage_for_dendrogram(similarity), labels=names, orientation="right", ax=ax,
        link_color_func=lambda _: NEUTRAL, leaf_font_size=STYLE["font.size"],
    )
    ax.set_xlabel(_wrap(label("distance_axis"), width, BESIDE_LABELS))
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, None)
    return figure


# --- correspondence analysis and network -----------------------------------------------


def label_moves(n_labels: int) -> int:
    """How many times adjustText may move the labels: the fixed budget spread over the pairs of
    labels (each move compares every pair), between 100 and 3000. Fixed by the number of labels,
    so the same data always give the same figure, and a map with many labels stays quick."""
    return int(min(3000, max(100, ADJUST_TEXT_PAIR_MOVES // max(n_labels, 1) ** 2)))


@_styled
def ca_map(
    ca: CorrespondenceAnalysis,
    *,
    column_colours: Mapping[str, str],
    row_colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    row_kind: str = "group",
    column_kind: str = "theme",
    width: float = A4_WIDTH,
) -> Figure:
    """Symmetric CA map: rows (groups, circles) and columns (themes, triangles).

    Columns are coloured by ``column_colours`` (from `codebook_colours`); rows by
    ``row_colours`` where given, otherwise neutral grey, since groups are named beside their
    points. Axes say how much of the inertia each dimension shows; the key names ``row_kind`` and
    ``column_kind`` (one of each, in words: "group", "theme", "code").
    """
    if "dim_2" not in ca.rows:
        raise ValueError("a CA map needs two dimensions (a table of at least 3 x 3)")
    phone = width < A4_WIDTH
    figure, ax = _figure(3.4 + 0.19 * (len(ca.rows) + len(ca.columns)) if phone else 5.2, width)
    ax.axhline(0, color="#BBBBBB", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#BBBBBB", linewidth=0.6, zorder=0)
    for points, marker, colours in (
        (ca.rows, "o", row_colours or {}),
        (ca.columns, "^", column_colours),
    ):
        ax.scatter(
            points["dim_1"], points["dim_2"], marker=marker, s=30, zorder=2, edgecolors=OUTLINE, linewidths=0.6,
            c=[colours.get(str(name), NEUTRAL) for name in points.index],
        )
    points = pd.concat([ca.rows[["dim_1", "dim_2"]], ca.columns[["dim_1", "dim_2"]]])
    x, y = points["dim_1"].to_numpy(), points["dim_2"].to_numpy()
    shares = ca.inertia["share"].to_numpy()
    ax.set_xlabel(label("dimension_axis", number=1, share=shares[0]))
    ax.set_ylabel(label("dimension_axis", number=2, share=shares[1]))
    ax.set_aspect("equal", adjustable="box" if phone else "datalim")
    if phone:  # the points' range and a margin, fixed before the labels move, so a small map is not zoomed out to make room
        for limits, values in ((ax.set_xlim, x), (ax.set_ylim, y)):
            pad = 0.15 * float(np.ptp(values) or 1)
            limits(float(values.min()) - pad, float(values.max()) + pad)
        ax.set_autoscale_on(False)
    # On a phone, names would crowd the map: points carry numbers (groups) and letters (themes), named in the key.
    marks = ([str(i) for i in range(1, len(ca.rows) + 1)] + [chr(ord("A") + i) for i in range(len(ca.columns))] if phone
             else [_plain(name, labels) for name in points.index])
    texts = [ax.text(px, py, mark, fontsize=SMALLEST_PT, zorder=3) for mark, px, py in zip(marks, x, y)]
    adjust_text(texts, x=x, y=y, ax=ax, expand=(1.25, 1.6), max_move=None, iter_lim=label_moves(len(texts)),
                arrowprops={"arrowstyle": "-", "color": "#767676", "linewidth": 0.5})
    shown = [str(name) for name in ca.columns.index]
    named = [f"{mark} " if phone else "" for mark in marks]
    ax.legend(
        handles=[
            *([Line2D([], [], marker="o", linestyle="", markerfacecolor=NEUTRAL, markeredgecolor=OUTLINE,
                      label=f"{mark}{_plain(name, labels, width, KEY)}") for mark, name in zip(named, ca.rows.index)] if phone else
              [Line2D([], [], marker="o", linestyle="", markerfacecolor=NEUTRAL, markeredgecolor=OUTLINE, label=label("kinds_name", kind=row_kind))]),
            *[Line2D([], [], marker="^", linestyle="", markerfacecolor=column_colours.get(name, NEUTRAL),
                     markeredgecolor=OUTLINE, label=f"{mark}{_plain(name, labels, width, KEY)}") for mark, name in zip(named[len(ca.rows):], shown)],
        ],
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1 if phone else 2,
        fontsize=SMALLEST_PT, title_fontsize=SMALLEST_PT,
        title=_wrap(label("ca_key_title", rows=row_kind, columns=column_kind), width),
    )
    return figure


MOST_LINKS_DRAWN = 60  # the co-occurrence network draws at most this many links, the strongest; the table keeps every one


@_styled
def cooccurrence_network(
    edges: pd.DataFrame,
    *,
    colours: Mapping[str, str],
    node_themes: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    width: float = A4_WIDTH,
) -> Figure:
    """Codes (or themes) on a circle, joined by lines as thick as their co-occurrence count.

    ``edges`` comes from `cooccurrence`. Nodes are coloured by theme: ``node_themes`` maps a
    code to its theme (leave it out when the nodes are themes); ``colours`` maps themes to
    colours (from `codebook_colours`). Nodes are placed clockwise from the top, grouped by
    theme, so codes of one theme sit together.
    """
    if edges.empty:
        raise ValueError("no pairs to draw; lower min_count in cooccurrence()")
    nodes = sorted(set(edges["code_a"]) | set(edges["code_b"]))
    theme_of = {node: (node_themes or {}).get(node, node) for node in nodes}
    nodes.sort(key=lambda node: (theme_of[node], node))
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(nodes)) / len(nodes)
    position = {node: (np.cos(a), np.sin(a)) for node, a in zip(nodes, angles)}

    phone = width < A4_WIDTH
    themes_shown = list(dict.fromkeys(theme_of[node] for node in nodes))
    key_rows = len(themes_shown) + 2 + (len(nodes) if phone else 0)
    figure, ax = _figure(width + 0.2 * key_rows / (1 if phone else 2), width)
    most = edges["count"].max()
    widths = 0.6 + 3.4 * edges["count"].to_numpy() / most
    ax.add_collection(
        LineCollection(
            [[position[a], position[b]] for a, b in zip(edges["code_a"], edges["code_b"])],
            linewidths=widths, colors=NEUTRAL, alpha=0.55, zorder=1,
        )
    )
    xy = np.array([position[node] for node in nodes])
    ax.scatter(xy[:, 0], xy[:, 1], s=60, zorder=2, edgecolors=OUTLINE, linewidths=0.6,
               c=[colours[theme_of[node]] for node in nodes])
    # Names run outward from their node, so no two overlap however many codes there are; on a phone, where
    # they would not fit beside the circle, each node carries a number, named in the key.
    for number, (node, angle) in enumerate(zip(nodes, angles), start=1):
        x, y = np.cos(angle), np.sin(angle)
        if phone:
            ax.text(1.14 * x, 1.14 * y, str(number), ha="center", va="center", fontsize=SMALLEST_PT)
            continue
        degrees = np.degrees(angle) % 360
        left = 90 < degrees < 270
        ax.text(1.07 * x, 1.07 * y, _wrap(_plain(node, labels), PHONE_WIDTH * 0.5), rotation=degrees - 180 if left else degrees,
                rotation_mode="anchor", ha="right" if left else "left", va="center", fontsize=SMALLEST_PT)
    reach = 1.25 if phone else 2.3  # room around the circle for the names
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.set_axis_off()
    code_key = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor=colours[theme_of[node]], markeredgecolor=OUTLINE, markersize=7,
               label=f"{number} {_plain(node, labels, width, KEY)}")
        for number, node in enumerate(nodes, start=1)
    ] if phone else []
    width_key = [
        Line2D([], [], color=NEUTRAL, linewidth=0.6 + 3.4 * count / most,
               label=label("link_width", n=count))
        for count in sorted({int(edges['count'].min()), int(most)})
    ]
    theme_key = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor=colours[theme], markeredgecolor=OUTLINE, markersize=7,
               label=_plain(theme, labels, width, KEY))
        for theme in themes_shown
    ]
    ax.legend(handles=[*width_key, *code_key, *theme_key], loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=1 if phone else 2,
              frameon=False, fontsize=SMALLEST_PT, title_fontsize=SMALLEST_PT,
              title=_wrap(label("network_key_title"), width))
    return figure


# --- sources, voices -------------------------------------------------------------------


@_styled
def source_comparison_figure(
    difference: pd.DataFrame,
    *,
    colours: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    width: float = A4_WIDTH,
) -> Figure:
    """Difference in share between two sources per theme, with its bootstrap interval.

    ``difference`` comes from `prevalence_difference_bootstrap`; points are coloured by
    theme (``colours``, from `codebook_colours`), sorted so the largest difference is at the
    top, in percentage points. The scale is symmetric about zero and each side is named in
    words above it: "more often in" the first source to the right, the second to the left.
    """
    item_col = _item_column(difference)
    rows = difference.sort_values(["difference", item_col], ignore_index=True)
    first = rows.iloc[0]
    names = [_plain(i, labels, width) for i in rows[item_col]]
    figure, ax = _figure((1.6 if width >= A4_WIDTH else 2.8) + _row_height(names, 0.3) * len(rows), width)  # a phone's wrapped names and axis words take more height
    ax.axvline(0, color="#BBBBBB", linewidth=0.8, zorder=0)
    for y, row in rows.iterrows():
        ax.errorbar(
            100 * row["difference"], y,
            xerr=[[100 * (row["difference"] - row["ci_low"])], [100 * (row["ci_high"] - row["difference"])]],
            fmt="o", color=colours.get(row[item_col], NEUTRAL), markersize=5.5, capsize=0, linewidth=1.4,
            markeredgecolor=OUTLINE, markeredgewidth=0.6, ecolor=NEUTRAL,
        )
    reach = 100 * float(np.nanmax(np.abs(rows[["ci_low", "ci_high", "difference"]].to_numpy()))) * 1.1 or 10.0
    ax.set_xlim(-reach, reach)  # zero in the middle: left and right mean one source or the other
    ax.set_yticks(range(len(rows)), names)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    side_a, side_b = _plain(first["source_a"], labels, width, 1), _plain(first["source_b"], labels, width, 1)
    for x, ha, words in ((0.0, "left", label("more_often_left", side=side_b)), (1.0, "right", label("more_often_right", side=side_a))):
        ax.text(x, 1.01, "\n".join(textwrap.wrap(words, int(width * CHARS_PER_INCH * SIDE))), transform=ax.transAxes, ha=ha,
                va="bottom", fontsize=SMALLEST_PT, fontweight="bold")
    ax.set_xlabel(_wrap(label("difference_axis", side_a=side_a, n_a=first["denominator_a"], side_b=side_b, n_b=first["denominator_b"]),
                        width, BESIDE_LABELS))
    return figure


@_styled
def voice_subject_figure(table: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str] | None = None,
                         width: float = A4_WIDTH) -> Figure:
    """What groups said (filled, in the theme's colour) against what was said about them (open), per theme.

    ``table`` comes from `voice_vs_subject`, possibly several comparisons stacked: one panel
    each, titled with the comparison and, on a second line, each side's groups and number of
    statements. Lines are Wilson intervals.
    """
    item_col = _item_column(table)
    comparisons = pd.unique(table["comparison"])
    items = pd.unique(table[item_col])
    phone = width < A4_WIDTH
    figure = Figure(
        figsize=(width, 0.6 + len(comparisons) * ((1.1 + 0.28 * len(items)) * (1.5 if phone else 1))), layout="constrained"
    )
    axes = figure.subplots(len(comparisons), 1, sharex=True, squeeze=False)[:, 0]
    for ax, comparison in zip(axes, comparisons):
        panel = table[table["comparison"] == comparison]
        sides = []
        for side, offset, filled in (("voice", 0.17, True), ("subject", -0.17, False)):
            rows = panel[panel["side"] == side].set_index(item_col).reindex(items)
            y = np.arange(len(items))[::-1] + offset
            ax.hlines(y, 100 * rows["ci_low"], 100 * rows["ci_high"], color=NEUTRAL, linewidth=1)
            faces = [colours.get(str(item), NEUTRAL) if filled else "white" for item in items]
            ax.scatter(100 * rows["share"], y, s=28, facecolors=faces, edgecolors=OUTLINE, linewidths=0.6, zorder=2)
            groups = [_plain(g, labels) for g in str(rows["groups"].dropna().iloc[0]).split("; ")]
            sides.append(label("voice_side", side=side, groups=groups, n=int(rows["denominator"].dropna().iloc[0])))
        ax.set_yticks(np.arange(len(items))[::-1], [_plain(i, labels, width) for i in items])
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelbottom=True)  # every panel keeps its own scale
        ax.spines["left"].set_visible(False)
        heading = _plain(comparison, labels)
        scale = width / A4_WIDTH * (BESIDE_LABELS if phone else 1)
        ax.set_title("\n".join([*textwrap.wrap(heading, int(72 * scale)), *textwrap.wrap("; ".join(sides), int(80 * scale))]),
                     loc="left", fontsize=SMALLEST_PT)
    axes[-1].set_xlim(-3, 100)  # a share of 0% shows whole, not cut by the axis
    axes[-1].set_xlabel(_wrap(label("statement_share_axis"), width, BESIDE_LABELS))
    return figure


@_styled
def alpha_forest(alpha: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str] | None = None,
                 thresholds: tuple[float, float] = (THRESHOLD_TENTATIVE, THRESHOLD_RELIABLE),
                 width: float = A4_WIDTH) -> Figure:
    """Krippendorff's alpha per theme or code (and pooled, last, in black) with bootstrap 95% intervals.

    ``alpha`` comes from `analysis.coding.reliability.alpha_table`; codes with no alpha (neither
    coder used them in the sample) are left out. Each point takes its theme's or code's colour
    (``colours``). Dashed lines mark the ``thresholds`` (tentative and reliable, after Krippendorff).
    """
    shown = alpha.dropna(subset=["alpha"]).reset_index(drop=True)
    y = np.arange(len(shown))[::-1]
    names = [(label("pooled_codes") if code == "(pooled)" else _plain(code, labels, width)) for code in shown["code_id"]]
    figure, ax = _figure(1.0 + _row_height(names, 0.2) * len(shown), width)
    low = shown["ci_low"].fillna(shown["alpha"])
    high = shown["ci_high"].fillna(shown["alpha"])
    ax.hlines(y, low, high, color=NEUTRAL, linewidth=1)
    pooled = (shown["code_id"] == "(pooled)").to_numpy()
    ax.scatter(shown["alpha"][~pooled], y[~pooled], s=22, zorder=2, edgecolors=OUTLINE, linewidths=0.6,
               c=[colours.get(code, NEUTRAL) for code in shown["code_id"][~pooled]])
    ax.scatter(shown["alpha"][pooled], y[pooled], s=40, marker="D", color="black", zorder=2)
    for value in thresholds:
        ax.axvline(value, color=NEUTRAL, linestyle="--", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(min(-0.2, float(low.min()) - 0.05), 1.02)
    ax.set_xlabel(_wrap(label("alpha_axis", tentative=threshold_text(thresholds[0]), reliable=threshold_text(thresholds[1])),
                        width, BESIDE_LABELS))
    return figure
