"""The live page in headless chromium, served on 127.0.0.1 with no internet: it loads, a week's
step redraws it, moving the return cap rebuilds the run. A screenshot goes to test-output/."""

from __future__ import annotations

from tests.browser import PROJECT_ROOT, browser_page, free_port, screenshot, serve_app

APP = PROJECT_ROOT / "viz" / "app.py"
LOAD_TIMEOUT_MS = 60_000


def test_live_page_loads_steps_and_rebuilds_offline():
    with serve_app(APP, free_port()) as url, browser_page() as (page, net):
        page.goto(url)
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text("Day 7: simulated to 2025-01-07").wait_for(timeout=30_000)
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text("Day 14: simulated to 2025-01-14").wait_for(timeout=30_000)
        page.get_by_role("button", name="Run 13 weeks").click()
        page.get_by_text("Day 105: simulated to 2025-04-15").wait_for(timeout=60_000)
        page.get_by_text("The model against the public figures").wait_for(timeout=10_000)
        screenshot(page, "live_page")
        page.get_by_role("button", name="Reset").click()
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=30_000)
        assert page.locator("img").count() >= 1  # the weekly figure
        assert net.offline_problems() == []
