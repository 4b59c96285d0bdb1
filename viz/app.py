"""The browser app: run the model live and watch the policy levers act.

Start it with ``./start`` (or ``solara run viz/app.py``). Each browser tab gets its own model:
nothing is shared between sessions. Controls are generated from the parameter declaration, with
its defaults and bounds; a bad combination of values is shown as a message, never a traceback.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import itertools
import math

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import solara

from agents.migrants import MigrantState
from model.data import load_observed_arrivals
from model.parameters import PARAMETERS, ParameterError
from model.scenarios import load_scenario, scenario_names
from viz.live import DAYS_PER_STEP, LiveRun

LEVERS = (
    "return_cap_per_week",
    "return_cap_growth_per_week",
    "crackdown_intensity",
    "patrol_intensity",
    "legal_route_share",
    "smuggler_misinformation",
    "belief_weight_network",
    "belief_weight_official",
    "belief_weight_smugglers",
)
"""The controls on the live page: the policy levers and the key behaviour parameters."""

FLOAT_STEPS = 1000
"""At least this many slider positions between a real-valued parameter's bounds."""

QUARTER_DAYS = 91
"""Days simulated by the 'Run 13 weeks' button."""

REDRAWS = itertools.count(1)
"""Fresh numbers for the page's redraw trigger."""

NETWORK_SAMPLE = 120
"""Migrants on the coast shown in the network view."""


def scenario_defaults(scenario: str) -> dict:
    """Every lever's value in a scenario (its override, else the declared default)."""
    overrides = load_scenario(scenario)
    return {name: overrides.get(name, PARAMETERS[name].default) for name in LEVERS}


@solara.component
def ParameterControl(name: str, value, on_value):
    """A slider for one declared parameter: its bounds, its unit, its description."""
    declared = PARAMETERS[name]
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    label = f"{name.replace('_', ' ')} ({declared.unit}): {shown}"
    if declared.kind is int:
        solara.SliderInt(label, value=value, min=declared.low, max=declared.high, on_value=on_value)
    else:
        # A power of ten, so that the declared default and scenario values sit on the grid.
        step = 10.0 ** math.floor(math.log10((declared.high - declared.low) / FLOAT_STEPS))
        solara.SliderFloat(
            label, value=value, min=declared.low, max=declared.high, step=step, on_value=on_value
        )


def weekly_figure(policy, counterfactual):
    """Four panels of the weekly series, with the counterfactual's arrivals."""
    figure, axes = plt.subplots(2, 2, figsize=(10, 6), dpi=80)
    if len(policy):
        weeks = policy["week"] + 1  # plain week numbers draw much faster than dates
        axes[0, 0].plot(weeks, policy["arrivals"], label="with the policy")
        axes[0, 0].plot(
            weeks, counterfactual["arrivals"], "--", color="gray", label="without (same seed)"
        )
        axes[0, 1].plot(weeks, policy["returns"], color="tab:red", label="returns")
        axes[0, 1].plot(
            weeks, policy["legal_admissions"], color="tab:green", label="legal admissions"
        )
        axes[1, 0].plot(weeks, policy["perceived_return_prob"], label="perceived return risk")
        axes[1, 0].plot(weeks, policy["actual_return_prob"], label="actual return risk")
        axes[1, 0].plot(weeks, policy["job_availability"], ":", label="job availability")
        employed = axes[1, 0].twinx()
        employed.plot(weeks, policy["illegal_employment"], color="tab:brown", alpha=0.6)
        employed.set_ylabel("working illegally (right)", fontsize=8)
        axes[1, 1].plot(weeks, policy["people_per_boat"], label="people per boat")
        price = axes[1, 1].twinx()
        price.plot(weeks, policy["smuggler_price_gbp"], color="tab:red")
        price.set_ylabel("price per seat (GBP)")
        for axis in axes.flat:
            axis.legend(fontsize=7, loc="upper left")
            axis.set_xlabel("week of the run", fontsize=8)
    for axis, title in zip(
        axes.flat,
        ("Small-boat arrivals a week", "The pilot a week", "Beliefs and chances", "Smugglers"),
        strict=True,
    ):
        axis.set_title(title, fontsize=10)
    figure.tight_layout()
    plt.close(figure)
    return figure


def coast_neighbourhood(model, size: int) -> np.ndarray:
    """Up to ``size`` people on the coast, found by following ties from the longest-waiting."""
    coast = model.population.in_state(MigrantState.IN_FRANCE)
    if len(coast) == 0:
        return coast
    on_coast = np.zeros(len(model.population), dtype=bool)
    on_coast[coast] = True
    chosen = [int(coast[0])]
    seen = set(chosen)
    frontier = np.array(chosen)
    while len(chosen) < size and len(frontier):
        nearby = np.unique(model.network.neighbours_of(frontier))
        nearby = [int(n) for n in nearby[on_coast[nearby]] if int(n) not in seen]
        nearby = nearby[: size - len(chosen)]
        seen.update(nearby)
        chosen.extend(nearby)
        frontier = np.array(nearby, dtype=np.int64)
    return np.array(chosen, dtype=np.int64)


def network_figure(run: LiveRun):
    """Ties among a sample of the people on the coast, coloured by perceived return risk."""
    model = run.policy
    graph = model.network.to_networkx(coast_neighbourhood(model, NETWORK_SAMPLE))
    risk = model.population.perceived_return_prob[list(graph.nodes)]
    figure, axis = plt.subplots(figsize=(5.5, 4.5))
    if graph.number_of_nodes():
        layout = nx.spring_layout(graph, seed=1, iterations=30)
        nx.draw_networkx_edges(graph, layout, ax=axis, alpha=0.3)
        nodes = nx.draw_networkx_nodes(
            graph,
            layout,
            ax=axis,
            node_size=30,
            node_color=risk,
            cmap="viridis",
            vmin=0.0,
            vmax=max(0.1, float(risk.max())),
        )
        figure.colorbar(nodes, ax=axis, label="perceived return probability")
    axis.set_title(f"Contacts among {graph.number_of_nodes()} people on the coast", fontsize=10)
    axis.set_axis_off()
    figure.tight_layout()
    plt.close(figure)
    return figure


def data_table(run: LiveRun, policy) -> str:
    """The run so far against the public figures, as a Markdown table."""
    observed = {row["year"]: row for row in load_observed_arrivals()}[2024]
    weeks = run.day / 7
    arrivals = policy["arrivals"].sum() if len(policy) else 0
    boats = policy["boats_arrived"].sum() if len(policy) else 0
    per_boat = f"{arrivals / boats:.1f}" if boats else "n/a"
    return "\n".join(
        [
            "| figure | model, run so far | public figure |",
            "| --- | --- | --- |",
            f"| arrivals a week | {arrivals / max(weeks, 1):,.0f} | "
            f"{observed['arrivals'] / 52:,.0f} (2024); 782 (2025 to early July) |",
            f"| people per boat | {per_boat} | {observed['people_per_boat']:g} (2024) |",
        ]
    )


@solara.component
def Page():
    """The live run page."""
    scenario, set_scenario = solara.use_state("pilot")
    seed, set_seed = solara.use_state(1)
    levers, set_levers = solara.use_state(scenario_defaults("pilot"))
    version, set_version = solara.use_state(0)  # bumped to redraw after the run advances
    error, set_error = solara.use_state("")
    run_ref = solara.use_ref(None)

    def rebuild(new_scenario=scenario, new_seed=seed, new_levers=levers):
        try:
            run_ref.current = LiveRun(new_scenario, new_seed, dict(new_levers))
            set_error("")
        except ParameterError as problem:
            run_ref.current = None
            set_error(str(problem))
        set_version(next(REDRAWS))

    if run_ref.current is None and not error:
        rebuild()

    def on_scenario(name):
        new_levers = scenario_defaults(name)
        set_scenario(name)
        set_levers(new_levers)
        rebuild(name, seed, new_levers)

    def on_lever(name):
        def update(value):
            new_levers = {**levers, name: value}
            set_levers(new_levers)
            rebuild(scenario, seed, new_levers)

        return update

    def step():
        if run_ref.current is not None:
            run_ref.current.advance(DAYS_PER_STEP)
            set_version(next(REDRAWS))

    def run_quarter():
        if run_ref.current is not None:
            run_ref.current.advance(QUARTER_DAYS)
            set_version(next(REDRAWS))

    solara.Title("Channel deterrence model")
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select("Scenario", values=scenario_names(), value=scenario, on_value=on_scenario)
            solara.InputInt(
                "Seed",
                value=seed,
                on_value=lambda value: (set_seed(value), rebuild(scenario, value)),
            )
            for name in LEVERS:
                ParameterControl(name, levers[name], on_lever(name))
        with solara.Column():
            solara.Markdown("## Channel small-boat crossings and the 'one in, one out' pilot")
            with solara.Row():
                solara.Button("Step a week", on_click=step, color="primary")
                solara.Button("Run 13 weeks", on_click=run_quarter)
                solara.Button("Reset", on_click=lambda: rebuild())
            if error:
                solara.Error(error)
            run = run_ref.current
            if run is not None:
                if run.day:
                    solara.Text(f"Day {run.day}: simulated to {run.policy.date.isoformat()}")
                else:
                    solara.Text(f"Day 0: the run starts on {run.policy.start_date.isoformat()}")
                policy, counterfactual = run.weekly()
                solara.FigureMatplotlib(
                    weekly_figure(policy, counterfactual),
                    dependencies=[version, run.day],
                    format="png",
                )
                with solara.Columns([1, 1]):
                    solara.FigureMatplotlib(
                        network_figure(run), dependencies=[version, run.day], format="png"
                    )
                    solara.Markdown(
                        "### The model against the public figures\n\n" + data_table(run, policy)
                    )
