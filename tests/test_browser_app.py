"""The live page in headless chromium, served on 127.0.0.1 with no internet: it loads and draws
its charts, a week's step redraws them, Play runs on until Pause, and a higher return cap shows
in the charts and the totals. Screenshots go to test-output/browser/."""

from __future__ import annotations

import re
import time

from model.parameters import PARAMETERS
from tests.browser import PROJECT_ROOT, browser_page, free_port, screenshot, serve_app
from viz.live_page import LEVERS

APP = PROJECT_ROOT / "viz" / "app.py"
LOAD_TIMEOUT_MS = 60_000
CHARTS = ".solara-echarts"


def day_of(page) -> int:
    caption = page.get_by_text(re.compile(r"^Day \d+:")).inner_text()
    return int(re.match(r"Day (\d+):", caption).group(1))


def returns_so_far(page) -> int:
    caption = page.get_by_text(re.compile(r"^So far: ")).inner_text()
    return int(re.search(r"([\d,]+) returns", caption).group(1).replace(",", ""))


def charts_drawn(page) -> int:
    """Chart panels whose canvas ECharts has drawn."""
    return page.locator(f"{CHARTS} canvas").count()


def redrawn(chart, before: bytes, seconds: float = 10.0) -> bool:
    """Whether the chart's picture changes from `before` within a few seconds (the browser draws
    after the numbers arrive, later on a busy machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if chart.screenshot() != before:
            return True
        time.sleep(0.2)
    return False


def run_to_day_273(page) -> None:
    for day in (91, 182, 273):
        page.get_by_role("button", name="Run 13 weeks").click()
        page.get_by_text(re.compile(rf"^Day {day}:")).wait_for(timeout=60_000)


def test_live_page_draws_steps_plays_and_follows_the_return_cap():
    with serve_app(APP, free_port()) as url, browser_page(viewport=(1400, 1500)) as (page, net):
        page.goto(url)
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function(
            f"document.querySelectorAll('{CHARTS} canvas').length >= 5", timeout=30_000
        )

        arrivals_chart = page.locator(CHARTS).first
        before = arrivals_chart.screenshot()
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text("Day 7: simulated to 2025-01-07").wait_for(timeout=30_000)
        assert redrawn(arrivals_chart, before)  # the week's arrivals are drawn

        page.get_by_role("button", name="Play").click()
        page.wait_for_function(
            "[...document.querySelectorAll('*')].some(e => /^Day (2[89]|[3-9]\\d|\\d{3,}):/"
            ".test(e.textContent))",
            timeout=60_000,
        )
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for(timeout=30_000)
        paused_at = day_of(page)
        page.wait_for_timeout(1500)
        assert day_of(page) == paused_at  # paused means paused

        page.get_by_role("button", name="Reset").click()
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=30_000)
        run_to_day_273(page)
        pilot_chart = page.locator(CHARTS).nth(1)
        with_cap_50 = pilot_chart.screenshot()
        returns_with_cap_50 = returns_so_far(page)
        screenshot(page, "live_page")

        sliders = [name for name in LEVERS if PARAMETERS[name].kind in (int, float)]
        cap = page.get_by_role("slider").nth(sliders.index("return_cap_per_week"))
        cap.focus()
        cap.press("End")  # the declared upper bound
        page.get_by_text(re.compile(r"^return cap per week \(.*\): 5000$")).wait_for(timeout=30_000)
        # a policy lever goes on from the pilot's first day to the same day, not from day 0
        page.get_by_text(re.compile(r"^Day 273:")).wait_for(timeout=30_000)
        assert redrawn(pilot_chart, with_cap_50)
        assert returns_so_far(page) > returns_with_cap_50
        assert charts_drawn(page) >= 5

        page.get_by_role("tab", name="Parameter sweep").click()  # the app's other page
        page.get_by_role("button", name="Run sweep").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Live run").click()
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=30_000)
        assert net.offline_problems() == []
        assert net.page_errors == []
