"""The browser app (solara): the live run page."""
