"""A real browser (Debian's Chromium, driven by Playwright) opens the briefing from disk."""

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page_report(smoke_build, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh test or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto((smoke_build.outputs_dir / "briefing.html").as_uri(), wait_until="load")
        images = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => ({complete: i.complete, width: i.naturalWidth, alt: i.alt}))"
        )
        links = page.eval_on_selector_all("nav.toc a", "as => as.map(a => a.getAttribute('href'))")
        landings = []
        for href in links:
            page.goto((smoke_build.outputs_dir / "briefing.html").as_uri() + href)
            landings.append(page.evaluate(
                "h => { const t = document.getElementById(h.slice(1)); return t ? t.tagName : null; }", href
            ))
        screenshot = tmp_path_factory.mktemp("browser") / "briefing.png"
        page.goto((smoke_build.outputs_dir / "briefing.html").as_uri())
        page.screenshot(path=str(screenshot), full_page=False)
        browser.close()
    return {"errors": errors, "requests": requests, "images": images, "links": links, "landings": landings, "screenshot": screenshot}


def test_no_console_errors(page_report):
    assert page_report["errors"] == []


def test_only_the_file_itself_and_data_uris_are_requested(page_report):
    assert [url for url in page_report["requests"] if not url.startswith(("file://", "data:"))] == []


def test_every_image_decodes(page_report):
    assert page_report["images"]
    assert all(image["complete"] and image["width"] > 0 for image in page_report["images"])


def test_every_contents_link_lands_on_a_heading(page_report):
    assert page_report["links"]
    assert all(tag in {"H2", "H3"} for tag in page_report["landings"])


def test_screenshot_is_taken(page_report):
    assert page_report["screenshot"].stat().st_size > 10_000
