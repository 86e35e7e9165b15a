"""Build the briefing from params/smoke.yaml (the fixture data) and check what a reader gets."""

import json
import re

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from analysis.report.build import BuildLayout, build
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT

pytestmark = pytest.mark.integration

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="session")
def briefing_html(smoke_build) -> str:
    return (smoke_build.outputs_dir / "briefing.html").read_text(encoding="utf-8")


def test_html_has_no_code_cells_or_prompts(briefing_html):
    tree = lxml_html.fromstring(briefing_html)
    assert not tree.xpath("//*[contains(@class, 'jp-InputArea') or contains(@class, 'input_area') or contains(@class, 'jp-InputPrompt')]")
    assert "import " not in tree.text_content()


def test_every_image_is_embedded_and_described(briefing_html):
    images = lxml_html.fromstring(briefing_html).xpath("//img")
    assert images, "the briefing shows no figure"
    for image in images:
        assert image.get("src", "").startswith("data:image/")
        alt = image.get("alt", "").strip()
        assert alt and "No description" not in alt


def test_every_figure_has_a_caption(briefing_html):
    tree = lxml_html.fromstring(briefing_html)
    for figure in tree.xpath("//figure"):
        assert figure.xpath(".//figcaption") and figure.xpath("string(.//figcaption)").strip()
    assert len(tree.xpath("//img")) == len(tree.xpath("//figure//img"))


def test_html_makes_no_network_reference(briefing_html):
    references = re.findall(r"""(?:src|href)\s*=\s*["']?(https?:)?//""", briefing_html)
    assert not references
    assert "<script" not in briefing_html.lower()
    assert not re.search(r"@import|url\(\s*['\"]?https?:", briefing_html)


def test_html_has_title_contents_and_says_which_data(briefing_html):
    tree = lxml_html.fromstring(briefing_html)
    assert tree.xpath("string(//header[@class='title-block']/h1)").strip()
    links = tree.xpath("//nav[@class='toc']//a/@href")
    assert len(links) >= 3
    assert "tests/fixtures/data" in tree.text_content()
    assert "fixture" in tree.text_content().lower()


def test_pdf_is_a4_with_extractable_text(smoke_build):
    reader = PdfReader(str(smoke_build.outputs_dir / "briefing.pdf"))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))  # a wide table's page is landscape
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    first = reader.pages[0].extract_text()
    assert "The future of social work" in first
    last = reader.pages[-1].extract_text()
    assert f"of {len(reader.pages)}" in last


def test_manifest_records_commit_parameters_inputs_versions_and_timings(smoke_build):
    manifest = json.loads((smoke_build.outputs_dir / "manifest.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", manifest["git_commit"])
    assert manifest["parameters"]["profile"] == "smoke"
    assert any(path.startswith("tests/fixtures/data/") for path in manifest["inputs"])
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in manifest["inputs"].values())
    assert manifest["packages"]["papermill"] and manifest["packages"]["python"].startswith("3.11")
    steps = [step["step"] for step in manifest["steps"]]
    assert steps[0] == "validate data" and any("90_briefing" in step for step in steps)
    executed = sorted(p.name for p in (smoke_build.outputs_dir / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_exports_are_written_beside_the_briefing(smoke_build):
    outputs = smoke_build.outputs_dir
    assert (outputs / "social_work_visioning.qdpx").stat().st_size > 0
    assert (outputs / "social_work_visioning.qdc").stat().st_size > 0
    assert (outputs / "opendata" / "datapackage.json").is_file()
    assert (outputs / "opendata" / "coded_contributions.xlsx").is_file()
    assert (smoke_build.figures_dir / "prevalence_heatmap.svg").is_file()
    assert (outputs / "tables" / "claims.csv").is_file()


def test_every_claim_counts_what_it_says_and_its_statements_exist(smoke_build):
    import pandas as pd

    claims = pd.read_csv(smoke_build.outputs_dir / "tables" / "claims.csv", keep_default_na=False)
    contributions = pd.read_csv(PROJECT_ROOT / "tests" / "fixtures" / "data" / "contributions.csv").set_index("contribution_id")
    assert len(claims)
    for row in claims.itertuples():
        ids = row.evidence_ids.split()
        assert len(ids) == row.n <= row.denominator and set(ids) <= set(contributions.index)


def test_two_profiles_give_different_tables(smoke_build, tmp_path_factory):
    import pandas as pd

    root = tmp_path_factory.mktemp("sectors")
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=root / "outputs", figures_dir=root / "figures")
    build(PROJECT_ROOT / "params" / "smoke_sectors.yaml", layout=layout, echo=lambda _: None)
    default = pd.read_csv(smoke_build.outputs_dir / "tables" / "prevalence_by_group.csv")
    sectors = pd.read_csv(layout.outputs_dir / "tables" / "prevalence_by_group.csv")
    assert "speaker_group" in default.columns and "speaker_sector" in sectors.columns and "code_id" in sectors.columns
    # the claims compare speakers within a question, whatever the group level the pooled tables use
    assert pd.read_csv(layout.outputs_dir / "tables" / "claims.csv").equals(pd.read_csv(smoke_build.outputs_dir / "tables" / "claims.csv"))


def output_digests(layout: BuildLayout) -> dict[str, str]:
    """sha256 of every file a build promoted (HTML, PDF, tables, figures, exports), except the manifest's
    timings and the executed notebooks, keyed by path inside its folder."""
    import hashlib

    digests = {}
    for folder in (layout.outputs_dir, layout.figures_dir):
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and relative.parts[0] != "notebooks" and relative.name != "manifest.json":
                digests[f"{folder.name}/{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def test_two_builds_of_one_commit_are_byte_identical(smoke_build, tmp_path_factory):
    root = tmp_path_factory.mktemp("again")
    again = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=root / "outputs", figures_dir=root / "figures")
    build(PROJECT_ROOT / "params" / "smoke.yaml", layout=again, echo=lambda _: None)
    first, second = output_digests(smoke_build), output_digests(again)
    for expected in ("outputs/briefing.html", "outputs/briefing.pdf", "outputs/tables/claims.csv",
                     "outputs/social_work_visioning.qdpx", "outputs/opendata/coded_contributions.xlsx",
                     "figures/prevalence_heatmap.svg"):
        assert expected in first
    differing = sorted(path for path in set(first) | set(second) if first.get(path) != second.get(path))
    assert not differing, f"two builds differ in {differing}"
    manifests = [json.loads((layout.outputs_dir / "manifest.json").read_text(encoding="utf-8")) for layout in (smoke_build, again)]
    assert manifests[0]["commit_date"] == manifests[1]["commit_date"]


@pytest.mark.parametrize("profile", sorted(p.name for p in (PROJECT_ROOT / "params").glob("*.yaml")))
def test_every_shipped_profile_builds(profile, tmp_path):
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=tmp_path / "outputs", figures_dir=tmp_path / "figures")
    manifest = build(PROJECT_ROOT / "params" / profile, layout=layout, echo=lambda _: None)
    assert manifest["params_file"] == f"params/{profile}"
    assert (layout.outputs_dir / "briefing.pdf").stat().st_size > 0
    assert (layout.figures_dir / "prevalence_heatmap.svg").is_file()


def figure_links(outputs_dir) -> list[tuple[str, str]]:
    """Each figure of the briefing (its name) and where its "statements behind" link goes."""
    page = lxml_html.parse(str(outputs_dir / "briefing.html"))
    return [(figure.get("id").removeprefix("figure-"), figure.xpath("string(following-sibling::p[@class='evidence-link'][1]/a/@href)"))
            for figure in page.xpath("//figure[starts-with(@id, 'figure-')]")]


def test_each_figure_links_to_its_own_statements_in_the_explorer(smoke_build):
    from analysis.report.explorer import behind_anchor

    links = figure_links(smoke_build.outputs_dir)
    assert len(links) >= 6
    explorer = lxml_html.parse(str(smoke_build.outputs_dir / "evidence.html"))
    for name, href in links:
        assert href == f"evidence.html#{behind_anchor(name)}"  # the figure's own evidence, not the explorer's top
        (heading,) = explorer.xpath(f"//*[@id='{behind_anchor(name)}']")
        listed = heading.xpath("following-sibling::*[1]//a/@href")
        assert listed and all(explorer.xpath(f"//*[@id='{target.partition('#')[2]}']") for target in listed), name


def phone_text_px(figures_dir) -> dict[str, float]:
    """Each phone drawing's smallest text in CSS px when it fills a 390 px phone's column."""
    from analysis.report.output import PAGE_PADDING_PX, svg_geometry

    sizes = {}
    for path in sorted(figures_dir.glob("*.phone.svg")):
        width, _, smallest = svg_geometry(path.read_text(encoding="utf-8"))
        sizes[path.name] = smallest * (390 - PAGE_PADDING_PX) / width
    return sizes


def test_every_figure_has_a_phone_drawing_whose_text_is_at_least_12_css_px_at_390_px(smoke_build):
    sizes = phone_text_px(smoke_build.figures_dir)
    assert {name.removesuffix(".phone.svg") for name in sizes} == {path.stem for path in smoke_build.figures_dir.glob("*.svg")
                                                                     if not path.stem.endswith(".phone")}
    assert {name: size for name, size in sizes.items() if size < 12} == {}


def test_a_twelve_theme_codebook_builds_with_a_colour_for_each_theme_and_every_statement_in_the_explorer(tmp_path):
    import pandas as pd
    import yaml

    from helpers import with_twelve_themes
    from analysis.report.figures import codebook_colours

    data = with_twelve_themes(PROJECT_ROOT / "tests" / "fixtures" / "data", tmp_path / "data")
    codebook = yaml.safe_load((data / "codebook.yaml").read_text(encoding="utf-8"))
    assert len([theme for theme in codebook["themes"] if theme["id"] != "none"]) == 12
    smoke = yaml.safe_load((PROJECT_ROOT / "params" / "smoke.yaml").read_text(encoding="utf-8"))
    params = tmp_path / "twelve.yaml"
    params.write_text(yaml.safe_dump({**smoke, "profile": "twelve", "data_dir": str(data)}), encoding="utf-8")
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=tmp_path / "outputs", figures_dir=tmp_path / "figures")
    build(params, layout=layout, echo=lambda _: None)
    heatmap = (layout.figures_dir / "prevalence_heatmap.svg").read_text(encoding="utf-8").upper()
    colours = {theme: colour for theme, colour in codebook_colours(codebook).items() if theme.endswith("_theme")}
    assert len(set(colours.values())) == 12 and all(f"FILL: {colour}" in heatmap for colour in colours.values())
    assert {name: size for name, size in phone_text_px(layout.figures_dir).items() if size < 12} == {}
    explorer = (layout.outputs_dir / "evidence.html").read_text(encoding="utf-8")
    ids = pd.read_csv(data / "contributions.csv")["contribution_id"]
    assert all(f'id="c-{cid}"' in explorer for cid in ids)
