"""A real browser (Debian's Chromium, driven by Playwright) opens the briefing and its evidence
explorer from disk, on a phone-sized and a desktop-sized screen, and runs axe-core in the page.

axe-core is installed by ``scripts/system-deps.sh test`` (``make test``) from the npm registry into
a cache folder; nothing is downloaded while the tests run.
"""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
AXE = Path(os.environ.get("AXE_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "social-work-visioning"
           ) / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # 2.2 AA: targets of at least 24 x 24 CSS px
SMALLEST_TEXT_PX = 12  # on a phone too: a narrow drawing is shown there

# Inside the page: the smallest text drawn in any figure, from the font sizes of the SVG shown (a <picture>'s
# narrow source on a phone) scaled to the image's width.
FIGURE_TEXT = """async () => Promise.all([...document.querySelectorAll('figure img')].map(async img => {
  const svg = atob(img.currentSrc.split(',')[1]);
  const view = Number(svg.match(/viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)/)[1]);
  const sizes = [...svg.matchAll(/font-size: ?([0-9.]+)px/g)].map(m => Number(m[1]));
  return sizes.length ? Math.min(...sizes) * img.getBoundingClientRect().width / view : 99;
}))"""


def visit(page, path: Path, fragment: str = ""):
    page.goto(path.as_uri() + fragment, wait_until="load")


def lands(page, path: Path, href: str) -> bool:
    """Following the link shows its target: it exists and is on screen (details opened around it)."""
    page_file, _, anchor = href.partition("#")
    visit(page, path.parent / page_file if page_file else path, "#" + anchor)
    return page.evaluate("""id => { const t = document.getElementById(id); if (!t) return false;
        const r = t.getBoundingClientRect(); return r.height > 0 && r.top < innerHeight && r.bottom > 0; }""", anchor)


@pytest.fixture(scope="module")
def report(smoke_build, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh test or set CHROMIUM")
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: run scripts/system-deps.sh test (it installs axe-core with npm)")
    from playwright.sync_api import sync_playwright

    briefing, evidence = smoke_build.outputs_dir / "briefing.html", smoke_build.outputs_dir / "evidence.html"
    shots = tmp_path_factory.mktemp("browser")
    found: dict = {"errors": [], "requests": [], "screens": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for screen, viewport in SCREENS.items():
            page = browser.new_page(viewport=viewport)
            page.on("console", lambda message: found["errors"].append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: found["errors"].append(str(error)))
            page.on("request", lambda request: found["requests"].append(request.url))
            seen = {}
            for name, path in (("briefing", briefing), ("evidence", evidence)):
                visit(page, path)
                seen[name] = {
                    "overflow": page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"),
                    "violations": page.evaluate(
                        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                        ".map(v => v.id + ': ' + v.nodes.length + ' ' + v.nodes[0].target.join(' '))",
                        WCAG_AA) if page.add_script_tag(path=str(AXE)) else None,
                }
            visit(page, briefing)
            seen["first message"] = page.evaluate("""() => { const m = document.querySelector('.key-messages li.message p, .message-rule p.rule');
                if (!m) return null; const r = m.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }""")
            seen["figure text"] = page.evaluate(FIGURE_TEXT)
            seen["captions"] = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')].map(box => {
                const c = box.querySelector('caption').getBoundingClientRect(), b = box.getBoundingClientRect();
                return {caption: box.querySelector('caption').textContent.slice(0, 40), left: c.left - b.left,
                        width: c.width, box: b.width}; })""")
            page.screenshot(path=str(shots / f"{screen}.png"))
            seen["screenshot"] = shots / f"{screen}.png"
            found["screens"][screen] = seen
            if screen == "desktop":
                links = page.eval_on_selector_all("nav.toc a, a.cid, .message .more a, .evidence-link a",
                                                  "as => as.map(a => a.getAttribute('href'))")
                found["links"] = {href: lands(page, briefing, href) for href in dict.fromkeys(links)}
                visit(page, evidence)
                found["explorer ids"] = page.eval_on_selector_all("li[id^='c-']", "lis => lis.map(li => li.id.slice(2))")
                found["images"] = None
                visit(page, briefing)
                found["images"] = page.eval_on_selector_all(
                    "img", "imgs => imgs.map(i => ({complete: i.complete, width: i.naturalWidth, alt: i.alt}))")
            page.close()
        browser.close()
    return found


def test_no_console_errors_and_nothing_fetched_from_the_network(report):
    assert report["errors"] == []
    assert [url for url in report["requests"] if not url.startswith(("file://", "data:"))] == []


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_name", ["briefing", "evidence"])
def test_the_page_never_scrolls_sideways(report, screen, page_name):
    assert report["screens"][screen][page_name]["overflow"] <= 0


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_name", ["briefing", "evidence"])
def test_axe_finds_no_wcag_a_or_aa_violation(report, screen, page_name):
    assert report["screens"][screen][page_name]["violations"] == []


def test_the_first_key_message_or_why_there_is_none_is_on_the_first_desktop_screen(report):
    first = report["screens"]["desktop"]["first message"]
    assert first is not None and first["bottom"] <= SCREENS["desktop"]["height"]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_table_caption_is_as_wide_as_its_box_and_in_view(report, screen):
    captions = report["screens"][screen]["captions"]
    assert captions
    squeezed = [c["caption"] for c in captions if c["left"] < 0 or c["width"] > c["box"] + 1
                or c["width"] < min(c["box"] - 1, 0.9 * SCREENS[screen]["width"] - 40)]
    assert squeezed == []  # never a narrow column beside cards, never cut at the screen's edge


@pytest.mark.parametrize("screen", SCREENS)
def test_figure_text_is_never_smaller_than_12_css_pixels(report, screen):
    sizes = report["screens"][screen]["figure text"]
    assert sizes and min(sizes) >= SMALLEST_TEXT_PX - 0.05


def test_every_contents_quote_and_evidence_link_lands_on_its_target(report):
    links = report["links"]
    assert any(href.startswith("#") for href in links) and any(href.startswith("evidence.html#c-") for href in links)
    assert [href for href, landed in links.items() if not landed] == []


def test_every_counted_contribution_is_in_the_explorer(report, smoke_build):
    framework = pd.read_csv(smoke_build.outputs_dir / "tables" / "framework_matrix.csv", dtype=str, keep_default_na=False)
    counted = {cid for ids in framework["contribution_ids"] for cid in ids.split("; ") if cid}
    assert counted and counted <= set(report["explorer ids"])


def test_every_image_decodes(report):
    assert report["images"]
    assert all(image["complete"] and image["width"] > 0 for image in report["images"])


def test_screenshots_are_taken(report):
    assert all(report["screens"][screen]["screenshot"].stat().st_size > 10_000 for screen in SCREENS)
