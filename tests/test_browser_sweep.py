"""The sweep page in headless chromium, served on 127.0.0.1 with no internet: a 3x3 sweep of the
return cap by the crackdown, 2 replicates, runs in the background while the page stays usable
(and a second tab has its own state), draws its heatmap, and its CSV download holds every run.
Screenshots go to test-output/browser/."""

from __future__ import annotations

import time

import pandas as pd

from tests.browser import PROJECT_ROOT, browser_page, free_port, screenshot, serve_app

APP = PROJECT_ROOT / "viz" / "app.py"
SWEEP_PATH = "sweep"  # the sweep page's route in the app
LOAD_TIMEOUT_MS = 60_000
SWEEP_TIMEOUT_MS = 180_000
DAYS = 300
"""From 1 January 2025 to late October: the pilot (from 6 August, first returns on 18 September)
has time to deter, so the heatmap's cells differ."""

# The heatmap's ECharts instance (the component's root element holds its Vue instance).
CHART_CELLS = """() => {
    const chart = document.querySelector('.solara-echarts').__vue__.chart;
    return chart.getOption().series[0].data.length;
}"""
# Share of the chart's canvas in strong colours: the heatmap's cells, not axes or text.
COLOURED_SHARE = """() => {
    const canvas = document.querySelector('.solara-echarts canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
    }
    return coloured / (pixels.length / 4);
}"""
RESULT_COLUMNS = {
    "run_id",
    "point",
    "replicate",
    "seed",
    "return_cap_per_week",
    "crackdown_intensity",
    "status",
    "error",
    "deterrence_effect",
    "arrivals",
    "returns",
}


def enter(page, label: str, text: str, nth: int = 0) -> None:
    field = page.get_by_label(label, exact=True).nth(nth)
    field.fill(text)
    field.press("Enter")


def test_a_small_sweep_fills_its_heatmap_and_downloads_its_rows_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the server's results folder goes there
    started = time.monotonic()
    # Tall enough for the whole page: solara scrolls inside its layout, not the document.
    with serve_app(APP, free_port()) as url, browser_page(viewport=(1280, 1400)) as (page, net):
        page.goto(url + SWEEP_PATH)
        page.get_by_text("50 runs: 25 points x 2 replicates, 365 days each").wait_for(
            timeout=LOAD_TIMEOUT_MS
        )
        enter(page, "to (returns/week)", "800")
        enter(page, "steps", "3", nth=0)
        enter(page, "steps", "3", nth=1)
        enter(page, "Days (horizon of each run)", str(DAYS))
        page.get_by_text(f"18 runs: 9 points x 2 replicates, {DAYS} days each").wait_for()
        page.get_by_role("button", name="Run sweep").click()
        run_started = time.monotonic()
        page.get_by_text("of 18 runs done").wait_for(timeout=30_000)

        # While it runs, the page answers; another browser is a session of its own.
        enter(page, "Replicates (runs per point)", "1")
        page.get_by_text(f"9 runs: 9 points x 1 replicates, {DAYS} days each").wait_for()
        other = page.context.browser.new_context().new_page()
        other.goto(url + SWEEP_PATH)
        other.get_by_text("50 runs: 25 points x 2 replicates, 365 days each").wait_for(
            timeout=LOAD_TIMEOUT_MS
        )
        assert other.get_by_text("runs done").count() == 0
        other.context.close()
        enter(page, "Replicates (runs per point)", "2")
        screenshot(page, "sweep_page_running")

        # Another tab of the app and back, then a reload: the sweep runs on and is followed.
        page.get_by_role("tab", name="Live run").click()
        page.get_by_role("button", name="Reset").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_role("tab", name="Parameter sweep").click()
        page.get_by_text("of 18 runs done").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.reload()
        page.get_by_text("of 18 runs").wait_for(timeout=LOAD_TIMEOUT_MS)
        assert page.get_by_label("Days (horizon of each run)", exact=True).input_value() == str(
            DAYS
        )

        page.get_by_text("18 of 18 runs done, 0 failed - finished").wait_for(
            timeout=SWEEP_TIMEOUT_MS
        )
        sweep_seconds = time.monotonic() - run_started
        assert page.evaluate(CHART_CELLS) == 9
        assert page.evaluate(COLOURED_SHARE) > 0.1
        screenshot(page, "sweep_page")

        with page.expect_download() as download:
            page.get_by_role("button", name="Download results (CSV)").click()
        saved = tmp_path / "sweep-results.csv"
        download.value.save_as(saved)
        assert net.offline_problems() == []

    results = pd.read_csv(saved)
    assert len(results) == 18 and results["run_id"].is_unique
    assert RESULT_COLUMNS <= set(results.columns)
    assert (results["status"] == "ok").all()
    assert sorted(results["return_cap_per_week"].unique()) == [0, 400, 800]
    assert sorted(results["crackdown_intensity"].unique()) == [0.0, 0.5, 1.0]
    assert results["deterrence_effect"].notna().all()
    assert results.loc[results["return_cap_per_week"] == 800, "deterrence_effect"].mean() > 0
    print(
        f"sweep page browser test: {time.monotonic() - started:.1f} s in all, "
        f"{sweep_seconds:.1f} s from Run sweep to the finished heatmap"
    )


HOLES = [
    ("Days (horizon of each run)", 0, "abc", 'Days: "abc" is not a number'),
    ("to (returns/week)", 0, "6000", 'return cap per week, to: "6000" is out of range'),
    ("to (0-1)", 0, "0", "crackdown intensity: from and to are both 0"),
    ("to (returns/week)", 0, "3", "5 steps from 0 to 3 repeat values"),
    ("Days (horizon of each run)", 0, "200", "points end before the policy's first day"),
]
"""A field, what is typed into it, and the message it must give (issue 14, point 5)."""


def test_each_hole_in_the_form_gives_its_message_and_cancel_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with serve_app(APP, free_port()) as url, browser_page(viewport=(1280, 1400)) as (page, net):
        page.goto(url + SWEEP_PATH)
        page.get_by_text("50 runs: 25 points x 2 replicates, 365 days each").wait_for(
            timeout=LOAD_TIMEOUT_MS
        )
        run = page.get_by_role("button", name="Run sweep")
        for label, nth, typed, message in HOLES:
            field = page.get_by_label(label, exact=True).nth(nth)
            before = field.input_value()
            enter(page, label, typed, nth)
            page.get_by_text(message).first.wait_for(timeout=30_000)
            assert run.is_disabled(), label
            enter(page, label, before, nth)
            page.get_by_text("50 runs: 25 points x 2 replicates").wait_for(timeout=30_000)
            assert run.is_enabled()
        screenshot(page, "sweep_page_checked")

        enter(page, "Days (horizon of each run)", "300")
        run.click()
        page.get_by_text("of 50 runs done").wait_for(timeout=30_000)
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("Cancelled at").wait_for(timeout=30_000)
        line = page.get_by_text("Cancelled at").inner_text()
        assert "of 50 runs" in line and not line.startswith("Cancelled at 50")
        assert page.get_by_text("Keep results after this browser session ends").count() == 1
        screenshot(page, "sweep_page_cancelled")
        assert net.offline_problems() == [] and net.page_errors == []
