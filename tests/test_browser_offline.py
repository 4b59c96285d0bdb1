"""solara pages render with no internet: a throwaway app in headless chromium, all from 127.0.0.1.

This checks the offline page assets (viz/assets.py, fetched by scripts/bootstrap) independently
of the real browser app.
"""

from __future__ import annotations

import time

import pytest

from tests.browser import browser_page, free_port, screenshot, serve_app
from viz import assets

SMOKE_APP = """\
import solara


@solara.component
def Page():
    solara.Markdown("Hello offline")
    solara.Button("Press")
"""


def test_cache_dir_is_solaras():
    # viz.assets computes the directory without importing solara (bootstrap runs it every time)
    import solara.server.settings

    assert assets.cache_dir() == solara.server.settings.assets.proxy_cache_dir


def test_wanted_assets_cover_the_page():
    specs = assets.wanted_specs()
    for needed in ("requirejs@", "font-awesome@", "katex@", "mermaid@", "vega@", "echarts@"):
        assert any(spec.startswith(needed) for spec in specs), (needed, specs)
    assert any("solara-vuetify" in spec for spec in specs), specs


def test_page_renders_offline(tmp_path):
    missing = assets.missing_specs()
    if missing:
        pytest.fail(
            f"solara's page assets are not cached: {missing}; run `.venv/bin/python -m viz.assets`",
            pytrace=False,
        )
    app = tmp_path / "smoke_app.py"
    app.write_text(SMOKE_APP, encoding="utf-8")

    with serve_app(app, free_port()) as url, browser_page() as (page, net):
        start = time.monotonic()
        page.goto(url, wait_until="domcontentloaded", timeout=30_000)
        page.get_by_text("Hello offline").wait_for(state="visible", timeout=30_000)
        page.get_by_role("button", name="Press").wait_for(state="visible", timeout=30_000)
        render_seconds = time.monotonic() - start
        page.wait_for_load_state("networkidle", timeout=15_000)
        shot = screenshot(page, "offline_smoke")

    assert shot.stat().st_size > 0
    assert net.offline_problems() == []
    assert net.page_errors == []
    assert render_seconds < 30
