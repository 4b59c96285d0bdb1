"""The comparison page in headless chromium, offline: a bad value is refused in one line, a long
comparison shows its progress and can be cancelled, and a comparison shows both runs and their
difference, with the very figures the model's own paired runs give."""

from __future__ import annotations

import re

from model.run import run_scenario
from tests.browser import PROJECT_ROOT, browser_page, free_port, screenshot, serve_app
from viz.compare import MAX_PAGE_DAYS

APP = PROJECT_ROOT / "viz" / "app.py"
DAYS = 260  # six weeks of the pilot (from day 217)
CHARTS = ".solara-echarts"


def set_days(page, days: int) -> None:
    """Type a horizon; a valid one is awaited in the page's caption (the server has it)."""
    field = page.get_by_label(f"Days (1 to {MAX_PAGE_DAYS})")
    field.fill(str(days))
    field.press("Enter")
    if days <= MAX_PAGE_DAYS:
        page.get_by_text(re.compile(rf"^Compare runs A and B on seed 1 for {days} days")).wait_for(
            timeout=30_000
        )


def figures(page, label: str) -> list[float]:
    """The A, B and A - B cells of one row of the figures table, as numbers."""
    cells = page.locator("tr", has_text=label).locator("td").all_inner_texts()
    return [float(re.sub(r"[^\d.\-]", "", cell.replace("+", ""))) for cell in cells[1:]]


def test_compare_page_shows_both_runs_and_their_difference():
    with serve_app(APP, free_port()) as url, browser_page(viewport=(1400, 1400)) as (page, net):
        page.goto(url + "compare")
        compare = page.get_by_role("button", name="Compare")
        compare.wait_for(timeout=90_000)

        set_days(page, 5000)
        page.get_by_text("days=5000 is too long for the page: allowed is 1 to 1095").wait_for(
            timeout=30_000
        )
        assert compare.is_disabled()

        # A long comparison runs in the background: progress shows, and Cancel stops it.
        set_days(page, MAX_PAGE_DAYS)
        compare.click()
        running = page.get_by_text(re.compile(r"^Running A, then B: \d+% simulated"))
        running.wait_for(timeout=30_000)
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("Cancelled: the last comparison is still shown.").wait_for(timeout=30_000)

        set_days(page, DAYS)
        compare.click()
        page.locator("tr", has_text="arrivals over the run").wait_for(timeout=90_000)
        page.wait_for_function(
            f"document.querySelectorAll('{CHARTS} canvas').length >= 4", timeout=30_000
        )
        screenshot(page, "compare_page")

        a = run_scenario("pilot", seed=1, days=DAYS).summary
        b = run_scenario("pilot_crackdown", seed=1, days=DAYS).summary
        assert figures(page, "arrivals over the run") == [
            a["arrivals"],
            b["arrivals"],
            a["arrivals"] - b["arrivals"],
        ]
        assert figures(page, "waiting on the coast at the end") == [
            a["waiting_in_france_at_end"],
            b["waiting_in_france_at_end"],
            a["waiting_in_france_at_end"] - b["waiting_in_france_at_end"],
        ]
        effect_a, effect_b = -a["crossings_deterred"], -b["crossings_deterred"]
        assert figures(page, "effect on arrivals") == [effect_a, effect_b, effect_a - effect_b]
        page.get_by_text(
            "A and B differ in: crackdown intensity 0.0 (A) against 0.5 (B)."
        ).wait_for()

        labels = page.locator(CHARTS).evaluate_all("els => els.map(e => e.ariaLabel)")
        titles = ["Small-boat arrivals", "Returns to France", "People waiting on the coast"]
        for title in [*titles, "Effect on arrivals"]:
            (label,) = [text for text in labels if title in text]
            for series in ("A: pilot: ", "B: pilot_crackdown: ", "A - B (right axis): "):
                assert series in label, label
        assert net.offline_problems() == []
        assert net.page_errors == []
