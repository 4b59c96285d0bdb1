"""The browser app: the live run page, the sweep page, the A/B comparison and the what-if page.

Start it with ``./start`` (or ``solara run viz/app.py``); it serves http://127.0.0.1:8765, the
live page at ``/``, the sweep page at ``/sweep``, the comparison at ``/compare`` and the
what-if page at ``/whatif``. The live run, the sweep and the what-if checks belong to the
browser session (``viz.session_store``): its tabs share them, and other browsers' sessions
never see them.

The layout here is what every page shares: the tabs, the page's one h1, a visible focus cue
and columns that may narrow with the window (the charts follow, see ``viz.echarts_panel``).
The page's language is declared by the template in ``templates/index.html.j2``.
"""

from __future__ import annotations

import html
import os

import solara
import solara.lab
import solara.server.settings

from viz.compare_page import ComparePage
from viz.guard import guard_solara_server
from viz.live_page import LivePage
from viz.sweep_page import SweepPage
from viz.whatif_page import WhatIfPage

APP_TITLE = "Channel deterrence model"

SESSION_CULL_TIMEOUT = "10m"
"""How long the server keeps a session whose tab went away without saying goodbye.

A closed tab tells the server, which then frees the session at once; a tab that only lost its
connection (a laptop asleep, a dropped network) does not, and solara keeps such a session 24
hours by default: with a model pair of tens to hundreds of MB a session, a day of those fills
the memory. Ten minutes lets a tab that reconnects find its run, and frees the rest. The
environment variable ``SOLARA_KERNEL_CULL_TIMEOUT`` overrides it.
"""

PAGE_CSS = """
:focus-visible { outline: 3px solid #1a4d8f !important; outline-offset: 2px; }
.v-slider__thumb-container:focus-within .v-slider__thumb { box-shadow: 0 0 0 4px #1a4d8f; }
.app-page .row > .col, .app-page .row > [class*="col-"] { min-width: 0; }
h1.app-title { font-size: 1.5rem; font-weight: 500; margin: 4px 0 8px; }
"""
"""Shared by every page: a focus cue visible on any background, and columns that may narrow
below their charts' last drawn width (a flex item is otherwise as wide as its content)."""


def keep_sessions_for(timeout: str = SESSION_CULL_TIMEOUT) -> None:
    """Set solara's cull timeout for sessions without a page, unless the environment sets it.

    solara reads the setting each time it schedules a cull, so setting it when the server
    imports the app applies to every session.
    """
    if not any(name.upper() == "SOLARA_KERNEL_CULL_TIMEOUT" for name in os.environ):
        solara.server.settings.kernel.cull_timeout = timeout


guard_solara_server()  # in the server: same-origin websockets only, no framing
keep_sessions_for()


@solara.component
def Layout(children=None):
    """The pages under tabs named by their routes' labels, below the page's one h1."""
    route, all_routes = solara.use_route()
    router = solara.use_router()
    index = all_routes.index(route) if route in all_routes else 0
    paths = [solara.resolve_path(page) for page in all_routes]  # only possible while rendering
    # Each page's query as this tab last showed it: back on the live page by its tab, the URL
    # names the run's settings again, so a copied link or a reload keeps them.
    queries = solara.use_ref({})
    queries.current[paths[index]] = router.search

    def open_page(position: int) -> None:
        path = paths[position]
        query = queries.current.get(path)
        router.push(f"{path}?{query}" if query else path)  # a new history entry: Back still works

    solara.Style(PAGE_CSS)
    with solara.Column(style={"padding": "12px"}, classes=["app-page"]):
        title = html.escape(f"{APP_TITLE}: {all_routes[index].label}")
        solara.HTML(tag="h1", unsafe_innerHTML=title, classes=["app-title"])
        with solara.lab.Tabs(value=index, on_value=open_page, align="center"):
            for page in all_routes:
                solara.lab.Tab(page.label)
        solara.Column(children=children or [])


# The root route's layout wraps every page (solara's autorouting).
routes = [
    solara.Route(path="/", component=LivePage, label="Live run", layout=Layout),
    solara.Route(path="sweep", component=SweepPage, label="Parameter sweep"),
    solara.Route(path="compare", component=ComparePage, label="Compare two policies"),
    solara.Route(path="whatif", component=WhatIfPage, label="What if"),
]
