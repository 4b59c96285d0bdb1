"""A chart panel whose ECharts option is handed to the browser without solara walking it.

solara's own ``FigureEcharts`` passes the option as an element argument, and the renderer
visits every list and dict inside an argument looking for child elements: for a chart of a
year's weekly series that walk costs more than the simulation step it shows. Here the option
travels in an opaque :class:`ChartOption` and is set on the widget after the render.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara
from solara.components.echarts import EchartsWidget


@dataclass(frozen=True, eq=False)
class ChartOption:
    """An ECharts option (a JSON-ready dict), boxed so that the renderer does not walk it."""

    option: dict


@solara.component
def EchartsPanel(chart: ChartOption, height: str = "320px"):
    """One ECharts chart, ``height`` tall, showing ``chart.option``."""
    element = EchartsWidget.element(attributes={"style": f"height: {height};"})

    def show_option():
        solara.get_widget(element).option = chart.option

    solara.use_effect(show_option, [chart])
    return element
