"""A crafted client cannot make the app read a scenario file outside its folder (browser test).

The live page's scenario list offers the shipped names only, but a client can send any value
over its websocket. Here the page's own widget model is sent the relative path of a TOML file
outside ``model/scenarios/`` with a parameter no scenario has, which any error would name if
the app read the file: the app must refuse the name before any file is read, in one line on
the page, with no traceback (which would show the server's paths), and keep its run.
"""

from __future__ import annotations

import os
import re

from model.scenarios import SCENARIO_DIR
from tests.browser import PROJECT_ROOT, browser_page, serve_app

APP = PROJECT_ROOT / "viz" / "app.py"
FIRST_DAY = "Day 0: the run starts on 2025-01-01"
SEND_SCENARIO = """async (value) => {
    const manager = solara.debug.widgetManager();
    const models = await Promise.all(Object.values(manager._models));
    const select = models.find(
        (model) => model.get('label') === 'Scenario' && Array.isArray(model.get('items'))
    );
    select.set('v_model', value);
    select.save_changes();
    return select.get('items');
}"""
"""What a crafted client does: set the scenario selector's value to one it does not offer."""


def test_a_crafted_scenario_name_from_the_browser_is_refused(tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text("[parameters]\nread_from_outside = 1\n")  # named in any error if read
    crafted = os.path.relpath(outside.with_suffix(""), SCENARIO_DIR)
    assert (SCENARIO_DIR / f"{crafted}.toml").resolve() == outside.resolve()
    with serve_app(APP) as url, browser_page() as (page, _net):
        page.goto(url)
        page.get_by_text(FIRST_DAY).wait_for(timeout=60_000)
        offered = page.evaluate(SEND_SCENARIO, crafted)
        assert crafted not in offered and "pilot" in offered
        page.get_by_text(re.compile("is not a shipped scenario")).first.wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "read_from_outside" not in body
        assert "Traceback" not in body and str(SCENARIO_DIR.parent) not in body
        assert FIRST_DAY in body  # the run is still there
