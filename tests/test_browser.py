"""A real browser opens each HTML report offline: every chart draws, no errors, no requests out."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs Debian's chromium")
        pytest.skip("chromium not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def test_every_chart_draws_offline_without_errors(browser, month):
    ARTIFACTS.mkdir(exist_ok=True)
    pages = sorted(month.glob("*.html"))
    assert pages
    for html in pages:
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        outside, errors = [], []
        page.on("console", lambda m, errors=errors: errors.append(m.text)
                if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

        def route(r, outside=outside):
            if r.request.url.startswith(("file:", "data:", "blob:")):
                return r.continue_()
            outside.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.goto(html.as_uri())
        expected = page.locator(".plotly-graph-div").count()
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
            arg=expected, timeout=20_000)
        drawn = page.locator(".js-plotly-plot").count()
        page.screenshot(path=str(ARTIFACTS / f"{html.stem}.png"), full_page=True)
        page.close()
        assert expected >= 1 and drawn == expected, f"{html.name}: {drawn} of {expected} drew"
        assert not outside, f"{html.name} tried to reach {outside[:3]}"
        assert not errors, f"{html.name} console errors: {errors[:3]}"
