"""A real browser (Debian chromium through Playwright) on the served sample database.

Set NEWSDESK_SCREENSHOTS=DIR to also save full-page screenshots of the main pages.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from newsdesk.web import create_app
    from newsdesk.web.sample import build_sample_db

    db = build_sample_db(tmp_path_factory.mktemp("browser") / "sample.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not installed: {CHROMIUM} missing (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _shoot(page: object, name: str) -> None:
    folder = os.environ.get("NEWSDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_search_story_speaker_and_timeline(browser: object, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/")
    _shoot(page, "home")
    page.fill(".big-search input[name=q]", "anchor")
    page.click(".big-search button")
    page.wait_for_url("**/search?q=anchor")
    assert page.locator("ol.results li.result").count() == 2
    assert page.locator("ol.results mark").first.inner_text().lower() == "anchor"
    _shoot(page, "search")
    page.locator("ol.results li.result").first.get_by_role("link", name="story").click()
    page.wait_for_url("**/stories/s-valmora")
    assert page.locator("h1").inner_text() == "Valmora port strike"
    assert page.locator("#independent-count").inner_text() == "2"
    svg = page.locator("figure.chart svg.timeline")
    assert svg.count() == 1 and svg.is_visible()
    assert svg.locator("circle.tl-point").count() == 8
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 40
    # One point per event: the one two outlets reported is drawn bigger, numbered 2.
    big = svg.locator('circle.tl-point[data-sources="2"]')
    assert big.count() == 1
    one = svg.locator('circle.tl-point[data-sources="1"]').first
    big_box, one_box = big.bounding_box(), one.bounding_box()
    assert big_box and one_box and big_box["width"] > one_box["width"]
    assert svg.locator("text.tl-n").all_text_contents() == ["2"]
    # Every point sits inside the chart.
    for c in svg.locator("circle.tl-point").all():
        cb = c.bounding_box()
        assert cb and box["x"] <= cb["x"] and cb["x"] + cb["width"] <= box["x"] + box["width"]
    merged = page.locator("ol.events li.event.multi")
    assert merged.count() == 1 and merged.is_visible()
    assert merged.locator("time").inner_text() == "March 2025"
    links = merged.locator(".ev-sources a").all_inner_texts()
    assert links[:2] == ["Northern Wire", "The Harbor Courier"]
    assert page.locator("ol.events li.event").count() == 8
    _shoot(page, "story")
    page.locator(".speaker-block a.speaker", has_text="Tomas Reyes").click()
    page.wait_for_url("**/entities/e-reyes")
    assert page.locator("h1").inner_text().startswith("Tomas Reyes")
    assert page.locator("ol.statements li.statement").count() == 3
    # His timeline: the week he said the offer would be published.
    assert page.locator("ol.events li.event time").first.inner_text() == "week of 17 Mar 2025"
    _shoot(page, "person")
    page.goto(base_url + "/articles/a1")
    assert page.locator("#body .hl-quote").count() == 2
    _shoot(page, "article")
    assert errors == []
    page.close()


def test_hostile_markup_never_runs(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in [
        "/",
        "/articles/x1",
        "/stories/s-hostile",
        "/entities/e-hostile",
        "/search?q=pwned",
    ]:
        page.goto(base_url + path)
        assert "pwned" in page.content()
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.locator("#body script, #body img, #body iframe").count() == 0
    # Hovering the hostile name must not fire its handler either.
    page.goto(base_url + "/articles/x1")
    page.locator("#body").hover()
    page.locator("details.removed summary").click()
    assert page.evaluate("() => window.__pwned === undefined")
    assert dialogs == []
    # The injected <img src=x> was never fetched: no request leaves our own pages.
    assert all(u.startswith(base_url) for u in requests)
    assert not [u for u in requests if u.rstrip("/").endswith("/x")]
    page.close()
