"""The browser app: the live run page and the sweep page.

Start it with ``./start`` (or ``solara run viz/app.py``); it serves http://127.0.0.1:8765.
Each browser tab has its own model and its own sweep: nothing is shared between sessions.
"""

from __future__ import annotations

import solara

from viz.live_page import LivePage

routes = [
    solara.Route(path="/", component=LivePage, label="Live run"),
]
