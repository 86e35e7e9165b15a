"""Figure functions return Figures with the expected elements, in the fixed palette."""

import inspect
import re

import jinja2
import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.coding.reliability import THRESHOLD_RELIABLE, THRESHOLD_TENTATIVE
from analysis.report import figures
from analysis.report.markup import label, plain_environment
from analysis.report.reliability_text import threshold_text
from analysis.compare.stats import correspondence_analysis

# Published values: Paul Tol's "muted" scheme and Okabe & Ito's palette.
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]


def hex_of(rgba):
    return mcolors.to_hex(rgba).upper()


def assert_house_style(figure):
    assert isinstance(figure, Figure)
    assert figure.get_size_inches()[0] == pytest.approx(6.5)
    assert figure.get_suptitle() == ""
    for ax in figure.axes:
        assert ax.get_title() == ""
        assert ax.xaxis.label.get_fontfamily() == ["sans-serif"]


# --- palette ---------------------------------------------------------------------------


def test_palettes_are_the_published_ones():
    assert list(figures.THEME_PALETTE) == TOL_MUTED
    assert list(figures.GROUP_PALETTE) == OKABE_ITO


def test_colours_follow_sorted_ids_whatever_the_input_order():
    assert figures.theme_colours(["politics", "education", "voice"]) == {
        "education": TOL_MUTED[0], "politics": TOL_MUTED[1], "voice": TOL_MUTED[2],
    }
    assert figures.theme_colours(["voice", "politics", "education", "voice"]) == figures.theme_colours(
        ["education", "politics", "voice"]
    )
    assert figures.group_colours(["students", "carers"]) == {"carers": OKABE_ITO[0], "students": OKABE_ITO[1]}


def test_themes_past_both_palettes_take_their_colours_again_in_order_and_groups_past_theirs_raise():
    colours = figures.theme_colours([f"t{i:02d}" for i in range(20)])
    palette = figures.THEME_PALETTE + figures.THEME_FALLBACK_PALETTE
    assert [colours[f"t{i:02d}"] for i in range(17)] == list(palette)
    assert [colours[f"t{i:02d}"] for i in range(17, 20)] == list(palette[:3])
    with pytest.raises(ValueError, match="8 colours"):
        figures.group_colours([f"g{i}" for i in range(9)])


# --- heatmaps and dendrogram -----------------------------------------------------------


def prevalence_table():
    """2 themes x 3 groups; 'tiny' (2 contributions) is suppressed at min_n 5."""
    rows = []
    for group, denominator, counts in (("carers", 10, (3, 0)), ("students", 6, (1, 6)), ("tiny", 2, (1, 2))):
        for theme, n in zip(("politics", "voice"), counts):
            rows.append({"speaker_group": group, "theme_id": theme, "n": n, "denominator": denominator,
                         "share": n / denominator, "ci_low": 0.0, "ci_high": 1.0})
    table = pd.DataFrame(rows)
    hidden = table["denominator"] < 5
    table["n"] = table["n"].astype("Int64").mask(hidden)
    table["share"] = table["share"].mask(hidden)
    table["suppressed"] = hidden
    return table


THEMES = figures.theme_colours(["education", "politics", "relationships", "voice"])


def test_prevalence_heatmap_counts_hatching_and_labels():
    figure = figures.prevalence_heatmap(prevalence_table(), colours=THEMES, min_n=5)
    assert_house_style(figure)
    ax = figure.axes[0]
    # 2 themes x 2 shown groups: four counts, including the 0, and nothing in hidden cells
    assert sorted(text.get_text() for text in ax.texts) == ["0", "1", "3", "6"]
    assert len([patch for patch in ax.patches if patch.get_hatch()]) == 2
    strips = [patch for patch in ax.patches if not patch.get_hatch()]  # each theme's colour above its column
    assert [hex_of(patch.get_facecolor()) for patch in strips] == [THEMES["politics"], THEMES["voice"]]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "carers (n = 10)", "students (n = 6)", "tiny (n = 2)",
    ]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["politics", "voice"]
    assert "fewer than 5" in ax.get_xlabel() and "left out of the comparisons" in ax.get_xlabel()
    scale = mpl.colors.Normalize(*figures.percent_range(pd.Series([0.0, 0.3, 1 / 6, 1.0])))
    for text in ax.texts:  # every number reads at 4.5:1 or better on its cell
        column, row = int(text.get_position()[0]), int(text.get_position()[1])
        share = prevalence_table().pivot(index="speaker_group", columns="theme_id", values="share").iat[row, column]
        cell = mpl.colors.to_hex(mpl.colormaps[figures.SEQUENTIAL_CMAP](scale(100 * float(share))))
        assert figures.contrast_ratio(text.get_color(), cell) >= 4.5


def test_the_share_scale_is_in_percent_and_spans_the_data_not_0_to_1():
    assert figures.percent_range(pd.Series([0.12, 0.47, np.nan])) == (10.0, 50.0)
    assert figures.percent_range(pd.Series([0.3, 0.3])) == (30.0, 40.0)
    table = prevalence_table()
    table["share"] = table["share"] * 0.5  # at most 50%
    figure = figures.prevalence_heatmap(table, colours=THEMES, min_n=5)
    colourbar = figure.axes[1]
    assert colourbar.get_ylim() == pytest.approx((0, 50))
    figure.canvas.draw()
    assert [label.get_text() for label in colourbar.get_yticklabels()][-1].endswith("%")


def test_black_or_white_ink_always_reads_at_4_5_to_1():
    assert figures.readable_on("#08306B") == "#FFFFFF" and figures.readable_on("#DEEBF7") == "#000000"
    assert figures.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21)
    assert min(figures.contrast_ratio(figures.readable_on(mpl.colors.to_hex(mpl.colormaps["Blues"](v))),
                                      mpl.colors.to_hex(mpl.colormaps["Blues"](v))) for v in np.linspace(0, 1, 101)) >= 4.5


def test_prevalence_heatmap_without_suppression_has_no_note():
    table = prevalence_table().drop(columns="suppressed")
    table["n"] = table["n"].fillna(1)
    table["share"] = table["n"] / table["denominator"]
    figure = figures.prevalence_heatmap(table, colours=THEMES, labels={"tiny": "A tiny group"})
    ax = figure.axes[0]
    assert len(ax.texts) == 6 and "Hatched" not in ax.get_xlabel()
    assert ax.get_yticklabels()[2].get_text().startswith("A tiny group")


def similarity():
    return pd.DataFrame(
        [[1.0, 0.9, 0.2], [0.9, 1.0, 0.4], [0.2, 0.4, 1.0]],
        index=["service_users_carers", "students", "managers"],
        columns=["service_users_carers", "students", "managers"],
    )


def test_similarity_heatmap_shows_lower_triangle():
    figure = figures.similarity_heatmap(similarity())
    assert_house_style(figure)
    # 3 on the diagonal + 3 below it
    assert sorted(text.get_text() for text in figure.axes[0].texts) == ["0.20", "0.40", "0.90", "1.00", "1.00", "1.00"]


def test_dendrogram_labels_every_group_in_plain_words():
    figure = figures.dendrogram_figure(similarity())
    assert_house_style(figure)
    labels = {label.get_text() for label in figure.axes[0].get_yticklabels()}
    assert labels == {"service users carers", "students", "managers"}
    assert "1 \u2212 similarity" in figure.axes[0].get_xlabel()


# --- CA map and network ----------------------------------------------------------------


def test_ca_map_colours_themes_and_labels_inertia():
    table = pd.DataFrame(
        [[10, 2, 1], [2, 8, 3], [1, 3, 9]],
        index=["carers", "students", "managers"], columns=["politics", "voice", "education"],
    )
    ca = correspondence_analysis(table)
    expected = figures.theme_colours(["politics", "voice", "education"])
    figure = figures.ca_map(ca, column_colours=expected)
    assert_house_style(figure)
    ax = figure.axes[0]
    rows, columns = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [hex_of(c) for c in columns.get_facecolors()] == [expected[t] for t in table.columns]
    assert {hex_of(c) for c in rows.get_facecolors()} == {figures.NEUTRAL.upper()}
    share = ca.inertia["share"].to_numpy()
    assert ax.get_xlabel() == f"Dimension 1 ({share[0]:.1%} of inertia)"
    assert ax.get_ylabel() == f"Dimension 2 ({share[1]:.1%} of inertia)"
    assert len(ax.texts) == 6
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Groups", "politics", "voice", "education"]
    assert [hex_of(h.get_markerfacecolor()) for h in legend.legend_handles[1:]] == [expected[t] for t in table.columns]
    assert legend.get_title().get_text() == "Groups (circles); themes (triangles, each in its colour)"


def test_ca_map_names_its_kinds_in_the_plural():
    table = pd.DataFrame([[10, 2, 1], [2, 8, 3], [1, 3, 9]], index=["a", "b", "c"], columns=["x", "y", "z"])
    legend = figures.ca_map(correspondence_analysis(table), column_colours={}, column_kind="code").axes[0].get_legend()
    assert legend.get_texts()[0].get_text() == "Groups"
    assert legend.get_title().get_text() == "Groups (circles); codes (triangles, each in its colour)"


def test_ca_map_needs_two_dimensions():
    with pytest.raises(ValueError, match="two dimensions"):
        figures.ca_map(correspondence_analysis(pd.DataFrame([[8, 2], [2, 8]])), column_colours={})


def test_cooccurrence_network_edges_and_theme_colours():
    edges = pd.DataFrame(
        {"code_a": ["trust", "trust", "time"], "code_b": ["time", "influence", "influence"],
         "count": [4, 2, 1], "n_either": [6, 5, 5], "jaccard": [4 / 6, 2 / 5, 1 / 5]}
    )
    node_themes = {"trust": "relationships", "time": "relationships", "influence": "politics"}
    colours = figures.theme_colours(["education", "politics", "relationships"])
    figure = figures.cooccurrence_network(edges, node_themes=node_themes, colours=colours)
    assert_house_style(figure)
    ax = figure.axes[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)][0]
    assert len(lines.get_segments()) == 3
    widths = lines.get_linewidths()
    assert widths[0] > widths[1] > widths[2]  # thicker for more contributions
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    # nodes ordered by theme then id: influence (politics), time, trust (relationships)
    assert [t.get_text() for t in ax.texts] == ["influence", "time", "trust"]
    assert [hex_of(c) for c in nodes.get_facecolors()] == [
        colours["politics"], colours["relationships"], colours["relationships"]
    ]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["1 contribution with both", "4 contributions with both"]  # the thinnest and thickest line
    assert legend[-2:] == ["politics", "relationships"]  # a key to the node colours


def test_cooccurrence_network_refuses_empty_edges():
    with pytest.raises(ValueError):
        figures.cooccurrence_network(pd.DataFrame(columns=["code_a", "code_b", "count"]), colours={})


# --- sources and voices ----------------------------------------------------------------


def source_difference():
    return pd.DataFrame(
        {"source_a": "lancaster_2012", "source_b": "changing_lives_2006",
         "theme_id": ["politics", "voice", "education"],
         "n_a": [5, 1, 3], "denominator_a": 10, "share_a": [0.5, 0.1, 0.3],
         "n_b": [1, 4, 3], "denominator_b": 20, "share_b": [0.05, 0.2, 0.15],
         "difference": [0.45, -0.1, 0.15], "ci_low": [0.2, -0.3, 0.0], "ci_high": [0.7, 0.1, 0.3]}
    )


def test_source_comparison_sorted_with_theme_colours():
    colours = figures.theme_colours(["politics", "voice", "education"])
    figure = figures.source_comparison_figure(source_difference(), colours=colours)
    assert_house_style(figure)
    ax = figure.axes[0]
    # ascending difference from the bottom: voice, education, politics
    assert [t.get_text() for t in ax.get_yticklabels()] == ["voice", "education", "politics"]
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    assert [line.get_color() for line in markers] == [colours["voice"], colours["education"], colours["politics"]]
    assert markers[-1].get_xdata()[0] == pytest.approx(45)  # percentage points
    assert "(n = 10)" in ax.get_xlabel() and "(n = 20)" in ax.get_xlabel()


def test_a_difference_chart_names_each_side_in_words_with_zero_in_the_middle():
    figure = figures.source_comparison_figure(source_difference(), colours=THEMES, labels={"lancaster_2012": "Lancaster 2012"})
    ax = figure.axes[0]
    left, right = ax.get_xlim()
    assert left == pytest.approx(-right) and right == pytest.approx(77)  # the widest interval end, 70 points, and a tenth
    sides = {text.get_horizontalalignment(): text.get_text().replace("\n", " ") for text in ax.texts}
    assert sides == {"left": "\u2190 more often in changing lives 2006", "right": "more often in Lancaster 2012 \u2192"}
    assert "minus" not in ax.get_xlabel()


def test_voice_subject_one_panel_per_comparison_with_denominators():
    rows = []
    for comparison, voice, subject in (("Users and carers", 12, 30), ("Practitioners", 20, 15)):
        for side, denominator, groups in (("voice", voice, "service_users_carers"), ("subject", subject, "carers")):
            for theme in ("politics", "voice"):
                rows.append({"side": side, "theme_id": theme, "n": 3, "denominator": denominator,
                             "share": 3 / denominator, "ci_low": 0.05, "ci_high": 0.5,
                             "groups": groups, "comparison": comparison})
    figure = figures.voice_subject_figure(pd.DataFrame(rows), colours=THEMES)
    assert_house_style(figure)
    filled = figure.axes[0].collections[1]  # the groups' own words, each in its theme's colour
    assert [hex_of(colour) for colour in filled.get_facecolors()] == [THEMES["politics"], THEMES["voice"]]
    assert len(figure.axes) == 2
    first = figure.axes[0].get_title(loc="left").splitlines()
    assert first == ["Users and carers", "filled: said by service users carers (n = 12); open: about carers (n = 30)"]
    assert figure.axes[1].get_title(loc="left").startswith("Practitioners\n")
    # first theme at the top
    ticks = {t.get_text(): t.get_position()[1] for t in figure.axes[0].get_yticklabels()}
    assert ticks["politics"] > ticks["voice"]
    np.testing.assert_allclose(figure.axes[0].get_xlim(), (-3, 100))  # a share of 0% is drawn whole
    figure.canvas.draw()
    assert all(any(label.get_visible() and label.get_text() for label in ax.get_xticklabels()) for ax in figure.axes)


def test_alpha_forest_leaves_out_undefined_codes_and_marks_thresholds():
    alpha = pd.DataFrame({
        "code_id": ["a", "b", "never_used", "(pooled)"], "alpha": [0.9, 0.5, np.nan, 0.8],
        "ci_low": [0.7, 0.1, np.nan, 0.7], "ci_high": [1.0, 0.8, np.nan, 0.9],
    })
    figure = figures.alpha_forest(alpha, colours={"a": "#CC6677"}, labels={"a": "Code A"})
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Code A", "b", "All codes pooled"]
    assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [THRESHOLD_TENTATIVE, THRESHOLD_RELIABLE]
    assert ax.get_xlabel().endswith(f"(dashed: {threshold_text(THRESHOLD_TENTATIVE)} and {threshold_text(THRESHOLD_RELIABLE)})")


def test_thresholds_are_written_with_the_decimals_they_need():
    assert [threshold_text(v) for v in (0.667, 0.80, 0.7, 0.85)] == ["0.667", "0.80", "0.70", "0.85"]


def test_codes_take_shades_of_their_theme_colour_however_many_there_are():
    codebook = {"themes": [{"id": f"t{t}"} for t in range(9)],
                "codes": [{"id": f"t{t}_c{c}", "theme": f"t{t}"} for t in range(9) for c in range(5)]}
    colours = figures.codebook_colours(codebook)
    codes = {code["id"]: colours[code["id"]] for code in codebook["codes"]}
    assert len(codes) == 45 and len(set(codes.values())) == 45
    themes = figures.theme_colours(f"t{t}" for t in range(9))
    assert colours["t3_c2"] == themes["t3"].lower()  # the middle shade is the theme's own colour
    brightness = [sum(mcolors.to_rgb(colours[f"t3_c{c}"])) for c in range(5)]
    assert brightness == sorted(brightness, reverse=True)  # lighter to darker in id order
    assert {theme: colours[theme] for theme in ("t1", "t0")} == figures.theme_colours(["t0", "t1"])


def test_a_twelve_theme_codebook_gets_distinct_colours_that_do_not_depend_on_what_a_figure_shows():
    codebook = {"themes": [{"id": f"t{t:02d}"} for t in range(12)] + [{"id": "none"}],
                "codes": [{"id": f"t{t:02d}_c", "theme": f"t{t:02d}"} for t in range(12)] + [{"id": "not_codable", "theme": "none"}]}
    colours = figures.codebook_colours(codebook)
    themes = [f"t{t:02d}" for t in range(12)]
    assert len({colours[theme] for theme in themes}) == 12 and "none" not in colours
    assert [colours[theme] for theme in themes[:9]] == list(figures.THEME_PALETTE)
    assert [colours[theme] for theme in themes[9:]] == list(figures.THEME_FALLBACK_PALETTE[:3])  # the documented fallback
    assert figures.codebook_colours({**codebook, "themes": codebook["themes"][::-1]}) == colours  # stable, whatever the order


def test_label_moves_are_fixed_by_the_number_of_labels_and_bounded():
    from analysis.report.figures import label_moves

    assert label_moves(24) == label_moves(24) == 3000
    assert label_moves(70) < label_moves(40) <= 3000
    assert label_moves(1000) == 100


# --- one colour per theme, and phone drawings --------------------------------------------


def codebook():
    themes = ["education", "politics", "relationships", "voice"]
    return {"themes": [{"id": theme} for theme in themes] + [{"id": "none"}],
            "codes": [{"id": f"{theme}_code", "theme": theme} for theme in themes] + [{"id": "not_codable", "theme": "none"}]}


def draw(figure_name: str, colours, width: float = figures.A4_WIDTH):
    """One of the figures that show themes, from small made-up tables."""
    if figure_name == "prevalence_heatmap":
        return figures.prevalence_heatmap(prevalence_table(), colours=colours, min_n=5, width=width)
    if figure_name == "source_comparison":
        return figures.source_comparison_figure(source_difference(), colours=colours, width=width)
    if figure_name == "ca_map":
        table = pd.DataFrame([[10, 2, 4], [1, 8, 3], [2, 5, 9]], index=["a", "b", "c"], columns=["politics", "voice", "education"])
        return figures.ca_map(correspondence_analysis(table), column_colours=colours, width=width)
    if figure_name == "alpha_forest":
        alpha = pd.DataFrame({"code_id": ["voice", "relationships", "(pooled)"], "alpha": [0.9, 0.7, 0.8],
                              "ci_low": [0.8, 0.6, 0.7], "ci_high": [1.0, 0.8, 0.9]})
        return figures.alpha_forest(alpha, colours=colours, width=width)
    edges = pd.DataFrame({"code_a": ["voice", "politics"], "code_b": ["relationships", "voice"], "count": [4, 3]})
    return figures.cooccurrence_network(edges, colours=colours, width=width)


def drawn_colours(figure_name: str, figure) -> dict[str, str]:
    """The colour each theme takes in a figure of `draw`, read from what it draws."""
    ax = figure.axes[0]
    if figure_name == "prevalence_heatmap":
        strips = [patch for patch in ax.patches if not patch.get_hatch()]
        return {label.get_text(): hex_of(strip.get_facecolor()) for label, strip in zip(ax.get_xticklabels(), strips)}
    if figure_name == "source_comparison":
        markers = [line for line in ax.lines if line.get_marker() == "o"]
        return {label.get_text(): hex_of(line.get_color()) for label, line in zip(ax.get_yticklabels(), markers)}
    if figure_name == "alpha_forest":
        return dict(zip(["voice", "relationships"], map(hex_of, ax.collections[1].get_facecolors())))
    legend = ax.get_legend()  # the CA map's and the network's key
    return {text.get_text(): hex_of(handle.get_markerfacecolor())
            for text, handle in zip(legend.get_texts(), legend.legend_handles) if handle.get_marker() in ("^", "o")
            and text.get_text() in codebook_themes()}


def codebook_themes() -> list[str]:
    return [theme["id"] for theme in codebook()["themes"] if theme["id"] != "none"]


FIGURES_WITH_THEMES = ["prevalence_heatmap", "source_comparison", "ca_map", "alpha_forest", "network"]


@pytest.mark.parametrize("figure_name", FIGURES_WITH_THEMES)
def test_every_figure_gives_each_theme_the_colour_the_codebook_gives_it(figure_name):
    colours = figures.codebook_colours(codebook())
    drawn = drawn_colours(figure_name, draw(figure_name, colours))
    assert len(drawn) >= 2
    assert drawn == {theme: colours[theme].upper() for theme in drawn}


@pytest.mark.parametrize("function", [figures.prevalence_heatmap, figures.ca_map, figures.cooccurrence_network,
                                      figures.source_comparison_figure, figures.voice_subject_figure, figures.alpha_forest])
def test_a_figure_that_shows_themes_cannot_choose_their_colours_itself(function):
    parameters = inspect.signature(function).parameters
    given = parameters.get("colours") or parameters["column_colours"]
    assert given.default is inspect.Parameter.empty  # always from codebook_colours, never a palette of its own


PHONE_COLUMN_PX = 390 - 32  # a 390 px phone less the page's padding


@pytest.mark.parametrize("figure_name", FIGURES_WITH_THEMES)
def test_a_phone_drawing_fills_a_390_px_phone_with_text_of_at_least_12_css_px(figure_name, tmp_path):
    from analysis.report.output import save_figure, svg_geometry

    save_figure(draw(figure_name, figures.codebook_colours(codebook()), figures.PHONE_WIDTH), tmp_path, "phone", caption="c", alt="a")
    width, _, smallest = svg_geometry((tmp_path / "phone.svg").read_text(encoding="utf-8"))
    assert smallest * PHONE_COLUMN_PX / width >= 12  # drawn 100% of the column wide (briefing.css)


def overlapping(figure) -> list[tuple[str, str]]:
    """Pairs of texts drawn in the figure's first axes (and its row names) whose boxes overlap."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    texts = [*figure.axes[0].texts, *figure.axes[0].get_yticklabels()]
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts if text.get_text()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


@pytest.mark.filterwarnings("error:constrained_layout not applied")  # a figure too small for its words
@pytest.mark.parametrize("width", [figures.A4_WIDTH, figures.PHONE_WIDTH])
@pytest.mark.parametrize("figure_name", ["source_comparison", "network", "ca_map"])
def test_no_two_labels_overlap(figure_name, width):
    labels = {"lancaster_2012": "Lancaster University visioning project 2012", "changing_lives_2006": "Changing Lives review 2006"}
    figure = draw(figure_name, figures.codebook_colours(codebook()), width) if figure_name != "source_comparison" else (
        figures.source_comparison_figure(source_difference(), colours=THEMES, labels=labels, width=width))
    assert overlapping(figure) == []


def test_a_crowded_network_names_every_code_along_its_radius_or_by_a_number_on_a_phone():
    codes = [f"code_{i:02d}_with_a_long_descriptive_name" for i in range(28)]
    edges = pd.DataFrame({"code_a": codes, "code_b": codes[1:] + codes[:1], "count": 3})
    colours = figures.theme_colours(["a", "b"])
    themes = {code: "ab"[i % 2] for i, code in enumerate(codes)}
    phone = figures.cooccurrence_network(edges, node_themes=themes, colours=colours, width=figures.PHONE_WIDTH)
    assert overlapping(phone) == [] and [text.get_text() for text in phone.axes[0].texts] == [str(i) for i in range(1, 29)]
    assert [text.get_text() for text in phone.axes[0].get_legend().get_texts()][1:3] == [  # after the one line width
        "1 code 00 with a long descriptive name", "2 code 02 with a long descriptive name"]  # by theme, then id
    wide = figures.cooccurrence_network(edges, node_themes=themes, colours=colours)
    for text in wide.axes[0].texts:  # each name on the line from the centre through its node, so names fan out
        x, y = text.get_position()
        assert np.sin(np.arctan2(y, x) - np.radians(text.get_rotation())) == pytest.approx(0, abs=1e-6)


LONG_NAMES = {"voice": "Identity, image and voice of the profession", "relationships": "Education, learning and research",
              "carers": "Adults' social worker (one person)", "students": "Children's social worker (one person)",
              "tiny": "Long-serving social worker (one person)"}


def with_long_names(figure_name: str):
    """A figure whose rows are named at length, drawn at phone width."""
    width = figures.PHONE_WIDTH
    if figure_name == "alpha_forest":
        alpha = pd.DataFrame({"code_id": ["voice", "relationships", "(pooled)"], "alpha": [0.9, 0.7, 0.8],
                              "ci_low": [0.8, 0.6, 0.7], "ci_high": [1.0, 0.8, 0.9]})
        return figures.alpha_forest(alpha, colours=THEMES, labels=LONG_NAMES, width=width)
    if figure_name == "prevalence_heatmap":
        return figures.prevalence_heatmap(prevalence_table(), colours=THEMES, min_n=5, labels=LONG_NAMES, width=width)
    matrix = similarity().rename(index={"managers": "tiny"}, columns={"managers": "tiny"})
    matrix.index = matrix.columns = ["carers", "students", "tiny"]
    return figures.dendrogram_figure(matrix, labels=LONG_NAMES, width=width)


@pytest.mark.parametrize("figure_name", ["alpha_forest", "prevalence_heatmap", "dendrogram"])
def test_long_row_names_wrapped_on_a_phone_keep_apart(figure_name):
    figure = with_long_names(figure_name)
    assert any(label.get_text().count("\n") >= 2 for label in figure.axes[0].get_yticklabels())  # three lines or more
    assert overlapping(figure) == []


@pytest.mark.parametrize(("n_themes", "numbered"), [(figures.PHONE_NUMBERED_COLUMNS, True), (figures.PHONE_NUMBERED_COLUMNS + 1, False)])
def test_a_phone_heatmap_numbers_its_cells_only_while_they_are_wide_enough(n_themes, numbered):
    themes = [f"t{i:02d}" for i in range(n_themes)]
    table = pd.DataFrame([{"speaker_group": group, "theme_id": theme, "n": 12, "denominator": 40, "share": 0.3}
                          for group in ("carers", "students") for theme in themes])
    figure = figures.prevalence_heatmap(table, colours=figures.theme_colours(themes), width=figures.PHONE_WIDTH)
    ax = figure.axes[0]
    assert (len(ax.texts) == 2 * n_themes) == numbered and (len(ax.texts) == 0) != numbered
    assert ("numbers in cells" in ax.get_xlabel().replace("\n", " ")) == numbered
    assert overlapping(figure) == []


def test_every_figure_label_is_drawn_and_every_drawn_label_is_in_the_template():
    module = plain_environment().get_template("figure_labels.txt.j2").module
    macros = {name for name, value in vars(module).items() if isinstance(value, jinja2.runtime.Macro)}
    drawn = set(re.findall(r"\blabel\(\"(\w+)\"", inspect.getsource(figures)))
    assert macros and macros == drawn


@pytest.mark.parametrize(("n", "words"), [(1, "1 contribution with both"), (2, "2 contributions with both")])
def test_a_label_is_filled_with_its_number_in_the_right_number(n, words):
    assert label("link_width", n=n) == words


def test_a_label_keeps_its_line_break_and_no_other_whitespace():
    assert label("prevalence_axis", kind="code", numbered=False, hatched=True, min_n=None) == (
        "Code; the table under the figure gives the numbers\n"
        "Hatched: groups with too few contributions, left out of the comparisons")
    assert label("prevalence_axis", kind="theme", numbered=True, hatched=False, min_n=5) == (
        "Theme; numbers in cells are contributions")
