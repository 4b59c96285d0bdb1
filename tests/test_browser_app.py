"""The live page in headless chromium, served on 127.0.0.1 with no internet: it loads and draws
its charts, a week's step redraws them, Play runs on until Pause; the policy's dates are on the
page and on every chart; a lever change waits for Apply; the effect figures are the summary's;
a tab switch and a reload keep the run; a link reopens its settings; the exported scenario runs
through the command line. Screenshots go to test-output/browser/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from model.parameters import PARAMETERS
from model.run import run_scenario
from tests.browser import PROJECT_ROOT, browser_page, free_port, screenshot, serve_app
from viz.live_page import LEVERS

APP = PROJECT_ROOT / "viz" / "app.py"
LOAD_TIMEOUT_MS = 60_000
CHARTS = ".solara-echarts"
SLIDERS = [name for name in LEVERS if PARAMETERS[name].kind in (int, float)]


@pytest.fixture(scope="module")
def app_url():
    """One app server for the module's tests; each test opens its own browser (own session)."""
    with serve_app(APP, free_port()) as url:
        yield url


def open_live_page(page, url: str) -> None:
    page.goto(url)
    page.get_by_text(re.compile(r"^Day \d+:")).wait_for(timeout=LOAD_TIMEOUT_MS)


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


def marked_dates(page) -> list[list[str]]:
    """The dates marked on each drawn time chart, as ECharts holds them in the browser."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.solara-echarts')]
            .map(el => el.__vue__ && el.__vue__.chart && el.__vue__.chart.getOption())
            .filter(option => option && option.xAxis && option.xAxis[0].type === 'time')
            .map(option => ((option.series[0].markLine || {}).data || [])
                 .map(mark => mark.name + ' ' + mark.xAxis))"""
    )


def wait_for_charts(page, count: int = 6) -> None:
    """Until ECharts has set up every chart (it loads asynchronously: leaving the page before
    then makes solara's chart component fail with 'invalid dom')."""
    page.wait_for_function(
        f"""() => {{
            const charts = [...document.querySelectorAll('{CHARTS}')];
            return charts.length >= {count} && charts.every(e => e.__vue__ && e.__vue__.chart);
        }}""",
        timeout=60_000,
    )


def jump_and_run_to(page, day: int) -> None:
    page.get_by_role("button", name=re.compile(r"^Jump to the policy's start")).click()
    page.get_by_text(re.compile(r"^Day 217:")).wait_for(timeout=60_000)
    while day_of(page) + 91 <= day:
        target = day_of(page) + 91
        page.get_by_role("button", name="Run 13 weeks").click()
        page.get_by_text(re.compile(rf"^Day {target}:")).wait_for(timeout=60_000)


def test_live_page_draws_steps_plays_and_marks_the_policy(app_url):
    with browser_page(viewport=(1400, 1500)) as (page, net):
        open_live_page(page, app_url)
        page.get_by_text("Day 0: the run starts on 2025-01-01").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.get_by_text(re.compile(r"^Scenario pilot\. The 'one in, one out' pilot")).wait_for()
        page.get_by_text(
            re.compile(r"pilot starts 2025-08-06 \(day 217\); first returns 2025-09-18")
        ).wait_for()
        wait_for_charts(page)
        marks = marked_dates(page)
        assert len(marks) == 5  # arrivals, the effect, the pilot, beliefs, smugglers
        assert all(
            chart
            == ["pilot starts 2025-08-06", "first returns 2025-09-18", "pilot ends 2026-06-11"]
            for chart in marks
        ), marks

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
        assert net.offline_problems() == []
        assert net.page_errors == []


def test_a_lever_change_waits_for_apply_and_goes_on_from_the_policy_start(app_url):
    with browser_page(viewport=(1400, 1500)) as (page, net):
        open_live_page(page, app_url)
        jump_and_run_to(page, 308)
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text(re.compile(r"^Day 315:")).wait_for(timeout=30_000)
        page.get_by_text(re.compile(r"^(Simulated the 217 days|Took the state at)")).wait_for()
        pilot_chart = page.locator(CHARTS).nth(2)
        with_cap_50 = pilot_chart.screenshot()
        returns_with_cap_50 = returns_so_far(page)

        cap = page.get_by_role("slider").nth(SLIDERS.index("return_cap_per_week"))
        cap.focus()
        cap.press("End")  # the declared upper bound
        page.get_by_text(re.compile(r"^return cap per week \(.*\): 5000 \(pending\)$")).wait_for(
            timeout=30_000
        )
        page.get_by_text(
            re.compile(r"^Pending, not applied yet: return cap per week 50 → 5000\.")
        ).wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert day_of(page) == 315 and returns_so_far(page) == returns_with_cap_50  # not yet
        screenshot(page, "live_page_pending")

        page.get_by_role("button", name="Apply").click()
        page.get_by_text(
            re.compile(r"re-ran from the saved state at the policy's start \(day 217\) to day 315")
        ).wait_for(timeout=60_000)
        assert day_of(page) == 315  # not from day 0
        assert redrawn(pilot_chart, with_cap_50)
        assert returns_so_far(page) > returns_with_cap_50
        assert page.get_by_text(re.compile(r"^Pending")).count() == 0
        assert "return_cap_per_week=5000" in page.url  # the applied settings are in the URL
        assert charts_drawn(page) >= 6
        screenshot(page, "live_page")
        assert net.offline_problems() == []
        assert net.page_errors == []


def effect_said(page, prefix: str) -> tuple[int, str]:
    line = page.get_by_text(re.compile(rf"^{prefix}: ")).inner_text()
    change, share = re.match(rf"{prefix}: ([+-][\d,]+) arrivals \(([+-][\d.]+%)\)", line).groups()
    return int(change.replace(",", "")), share


def test_the_effect_on_the_page_is_the_summary_and_a_tab_switch_or_reload_keeps_the_run(app_url):
    with browser_page(viewport=(1400, 1500)) as (page, net):
        open_live_page(page, app_url)
        jump_and_run_to(page, 308)
        summary = run_scenario("pilot", 1, 308).summary
        assert effect_said(page, "Effect so far") == (
            -summary["crossings_deterred"],
            f"{-summary['deterrence_effect']:+.1%}",
        )
        effect_said(page, "In the last 13 weeks")  # said, in the same form

        wait_for_charts(page)
        page.get_by_role("tab", name="Parameter sweep").click()  # the app's other page
        page.get_by_role("button", name="Run sweep").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Live run").click()
        page.get_by_text(re.compile(r"^Day 308:")).wait_for(timeout=30_000)
        wait_for_charts(page)
        page.reload()
        page.get_by_text(re.compile(r"^Day 308:")).wait_for(timeout=LOAD_TIMEOUT_MS)
        wait_for_charts(page)
        assert net.offline_problems() == []
        assert net.page_errors == []


def test_a_link_reopens_its_settings_and_the_exported_scenario_runs(app_url, tmp_path):
    query = "?scenario=pilot_crackdown&seed=3&return_cap_per_week=120"
    with browser_page(viewport=(1400, 1500)) as (page, net):
        open_live_page(page, app_url + query)
        page.get_by_text(re.compile(r"^Scenario pilot_crackdown\.")).wait_for(timeout=30_000)
        page.get_by_text(re.compile(r"^return cap per week \(.*\): 120$")).wait_for()
        assert page.get_by_role("textbox", name="Seed", exact=True).input_value() == "3"
        assert day_of(page) == 0
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text(re.compile(r"^Day 7:")).wait_for(timeout=30_000)
        with page.expect_download() as download:
            page.get_by_role("button", name=re.compile("scenario file", re.IGNORECASE)).click()
        exported = tmp_path / "exported.toml"
        download.value.save_as(exported)
        assert net.page_errors == []

    out = tmp_path / "run"
    command = [sys.executable, "-m", "experiments.cli", "run", "--scenario", str(exported)]
    command += ["--seed", "3", "--days", "20", "--no-decomposition", "--out", str(out)]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr[-2000:]
    ran = json.loads((out / "summary.json").read_text())
    assert ran["parameters"]["return_cap_per_week"] == 120
    assert ran["parameters"]["crackdown_intensity"] == 0.5  # the scenario's own crackdown
    assert ran["seed"] == 3


def test_a_tab_switch_keeps_the_settings_in_the_url_and_back_still_works(app_url):
    with browser_page(viewport=(1400, 1000)) as (page, net):
        open_live_page(page, app_url + "?scenario=pilot&seed=2")
        wait_for_charts(page)
        page.get_by_role("tab", name="Parameter sweep").click()
        page.get_by_role("button", name="Run sweep").wait_for(timeout=30_000)
        assert "seed=2" not in page.url
        page.get_by_role("tab", name="Live run").click()
        page.wait_for_url(re.compile(r"/\?scenario=pilot&seed=2$"), timeout=30_000)
        assert page.get_by_role("textbox", name="Seed", exact=True).input_value() == "2"
        wait_for_charts(page)
        page.go_back()  # the history holds each page once: Back leaves the live page
        page.wait_for_url(re.compile(r"/sweep$"), timeout=30_000)
        page.go_back()
        page.wait_for_url(re.compile(r"/\?scenario=pilot&seed=2$"), timeout=30_000)
        wait_for_charts(page)
        assert net.page_errors == []


def test_the_baseline_says_no_policy(app_url):
    with browser_page() as (page, net):
        open_live_page(page, app_url + "?scenario=baseline&seed=1")
        page.get_by_text(re.compile(r"^Scenario baseline\.")).wait_for(timeout=30_000)
        page.get_by_role("button", name="Step a week").click()
        page.get_by_text(re.compile(r"^Day 7:")).wait_for(timeout=30_000)
        page.get_by_text(re.compile(r"^No policy acts in this scenario")).wait_for()
        text = page.inner_text("body")
        assert "without the policy" not in text and "with the policy" not in text
        assert page.get_by_role("button", name=re.compile("Jump to")).count() == 0
        assert net.page_errors == []
