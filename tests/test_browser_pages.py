"""Every page of the app in headless chromium, offline: a language, exactly one h1, a text
alternative on every chart, a visible focus cue, and charts that follow the window's width
(loaded at 1,400 px, narrowed to 1,000 px: each chart's canvas fits its column). The what-if
page has no chart: it is checked for the rest."""

from __future__ import annotations

import re

import pytest

from tests.browser import PROJECT_ROOT, browser_page, free_port, serve_app

APP = PROJECT_ROOT / "viz" / "app.py"
CHARTS = ".solara-echarts"
PAGES = {
    "": ("Live run", re.compile(r"^Day 0:")),
    "sweep": ("Parameter sweep", re.compile("^Run sweep$")),
    "compare": ("Compare two policies", re.compile("^Compare$")),
    "whatif": ("What if", re.compile("^Check with the model$")),
}
CHARTS_SHOWN = {"": 5, "sweep": 1, "compare": 4, "whatif": 0}
"""Charts each page shows once filled (the what-if page answers in a table)."""

# Each chart's canvas and the column (the nearest grid cell) it sits in, as page rectangles.
CHART_BOXES = f"""() => [...document.querySelectorAll('{CHARTS}')].map((chart) => {{
  const canvas = chart.querySelector('canvas').getBoundingClientRect();
  const column = chart.closest('.col, [class*="col-"]').getBoundingClientRect();
  return {{canvas: [canvas.left, canvas.right], column: [column.left, column.right]}};
}})"""

# Whether a chart's canvas lies within its column (to a pixel).
INSIDE = "({canvas, column}) => canvas[0] >= column[0] - 1 && canvas[1] <= column[1] + 1"

# Whether the element with the keyboard's focus shows an outline of at least 2 px.
FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(tmp_path_factory.mktemp("sweeps")))  # the server's results
        with serve_app(APP, free_port()) as url:
            yield url


def open_page(page, url: str, path: str) -> None:
    page.goto(url + path)
    page.get_by_text(PAGES[path][1]).first.wait_for(timeout=90_000)


def run_comparison(page) -> None:
    days = page.get_by_label(re.compile(r"^Days \(1 to"))
    days.fill("240")
    days.press("Enter")
    page.get_by_text(re.compile(r"^Compare runs A and B on seed 1 for 240 days")).wait_for()
    page.get_by_role("button", name="Compare").click()
    page.locator("tr", has_text="arrivals over the run").wait_for(timeout=90_000)


def run_tiny_sweep(page) -> None:
    """A 2 x 2 sweep of one replicate, long enough for the policy to act: its heatmap drawn."""
    typed = [("steps", "2", 0), ("steps", "2", 1), ("Replicates (runs per point)", "1", 0)]
    for label, text, nth in [*typed, ("Days (horizon of each run)", "240", 0)]:
        field = page.get_by_label(label, exact=True).nth(nth)
        field.fill(text)
        field.press("Enter")
    page.get_by_text("4 runs: 4 points x 1 replicates, 240 days each").wait_for(timeout=30_000)
    page.get_by_role("button", name="Run sweep").click()
    page.get_by_text("4 of 4 runs done, 0 failed - finished").wait_for(timeout=300_000)


def show_charts(page, path: str) -> None:
    """Fill the page's charts: a comparison or a sweep; the live page has its charts at once."""
    if path == "compare":
        run_comparison(page)
    elif path == "sweep":
        run_tiny_sweep(page)


def charts_drawn(page, count: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('{CHARTS} canvas').length >= {count}", timeout=30_000
    )


@pytest.mark.parametrize("path", list(PAGES), ids=["live", "sweep", "compare", "whatif"])
def test_each_page_has_a_language_one_h1_chart_texts_and_a_focus_cue(app_url, path):
    with browser_page(viewport=(1400, 1000)) as (page, net):
        open_page(page, app_url, path)
        show_charts(page, path)
        assert page.evaluate("document.documentElement.lang").startswith("en")
        assert page.locator("h1").all_inner_texts() == [
            f"Channel deterrence model: {PAGES[path][0]}"
        ]
        charts = page.locator(CHARTS).all()
        assert len(charts) >= CHARTS_SHOWN[path] and (len(charts) > 0) == (CHARTS_SHOWN[path] > 0)
        for chart in charts:
            assert chart.get_attribute("role") == "img"
            assert chart.get_attribute("aria-label").startswith("Chart: ")

        focused = []
        for _ in range(8):  # the keyboard walks through links, tabs and controls
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement !== document.body"):
                focused.append(page.evaluate(FOCUS_SHOWN))
        assert len(focused) >= 4 and all(focused), focused
        assert net.offline_problems() == []
        assert net.page_errors == []


@pytest.mark.parametrize(
    ("path", "charts"),
    [(path, count) for path, count in CHARTS_SHOWN.items() if count],
    ids=["live", "sweep", "compare"],
)
def test_charts_follow_the_window_width(app_url, path, charts):
    with browser_page(viewport=(1400, 1000)) as (page, net):
        open_page(page, app_url, path)
        show_charts(page, path)
        charts_drawn(page, charts)
        wide = page.evaluate(CHART_BOXES)
        page.set_viewport_size({"width": 1000, "height": 1000})
        page.wait_for_function(f"() => ({CHART_BOXES})().every({INSIDE})", timeout=15_000)
        narrow = page.evaluate(CHART_BOXES)
        assert len(narrow) == len(wide) >= charts
        for before, after in zip(wide, narrow, strict=True):
            assert (
                after["canvas"][1] - after["canvas"][0] < before["canvas"][1] - before["canvas"][0]
            )
        assert net.page_errors == []
