"""The browser app: the live run page and the sweep page.

Start it with ``./start`` (or ``solara run viz/app.py``); it serves http://127.0.0.1:8765, the
live page at ``/`` and the sweep page at ``/sweep``. Each browser tab has its own model and its
own sweep: nothing is shared between sessions.
"""

from __future__ import annotations

import solara
import solara.lab

from viz.guard import guard_solara_server
from viz.live_page import LivePage
from viz.sweep_page import SweepPage

guard_solara_server()  # in the server: same-origin websockets only, no framing


@solara.component
def Layout(children=None):
    """The pages under tabs named by their routes' labels."""
    route, all_routes = solara.use_route()
    router = solara.use_router()
    index = all_routes.index(route) if route in all_routes else 0
    paths = [solara.resolve_path(page) for page in all_routes]  # only possible while rendering

    def open_page(position: int) -> None:
        router.push(paths[position])

    with solara.Column(style={"padding": "12px"}):
        with solara.lab.Tabs(value=index, on_value=open_page, align="center"):
            for page in all_routes:
                solara.lab.Tab(page.label)
        solara.Column(children=children or [])


# The root route's layout wraps every page (solara's autorouting).
routes = [
    solara.Route(path="/", component=LivePage, label="Live run", layout=Layout),
    solara.Route(path="sweep", component=SweepPage, label="Parameter sweep"),
]
