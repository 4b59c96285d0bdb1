"""The what-if page's answers: the shipped emulator at a lever setting, in words and numbers.

The emulator (:mod:`experiments.decision.emulator`) trained on the committed training sweep
(``experiments/sweeps/emulator_training.toml``) answers a setting of its inputs in milliseconds:
each output's central value and the 90% interval of one run. Beside each answer stand the
output's cross-validated scores (``validation.csv``), and an output it predicts poorly is
flagged, not hidden. It answers only inside the ranges of its training runs: a setting outside
them is refused in one line. Pure logic, no solara: the page is ``viz.whatif_page``.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from experiments.decision.emulator import INTERVAL, Emulator
from experiments.decision.training import EMULATOR_FOLDER, SHIPPED_TRAINING, shipped_emulator
from experiments.engine.labels import levers_in_words
from experiments.engine.spec import SweepSpec, load_sweep
from model.metrics import METRICS
from model.parameters import PARAMETERS
from model.scenarios import scenario_parameters

R2_GOOD = 0.8
"""Below this cross-validated R² an output is flagged as predicted poorly."""

NET_COST = "net_cost_gbp"
NET_COST_LABEL = (
    "net cost to the UK (GBP): spent on returns and admissions less support costs saved"
)
"""The one output that is not a model metric: priced from a run's counts by
:func:`experiments.costs.policy_costs` (below 0: the policy saves more than it spends)."""

Setting = Mapping[str, Any]
"""A value for each emulator input, by parameter name."""


@dataclass(frozen=True)
class EmulatorCard:
    """The shipped emulator with what the page says about it: its scores and training sweep."""

    emulator: Emulator
    scores: dict[str, dict[str, float]]
    """By output: r2, coverage_90, points, runs, folds (a dict: read at every lever move)."""
    training: SweepSpec

    def about(self) -> str:
        """What the emulator is, in a paragraph of Markdown."""
        spec, first = self.training, next(iter(self.scores.values()))
        return (
            f"The emulator is a Gaussian process for each output, trained on "
            f"{self.emulator.training_runs} runs of the `{spec.scenario}` scenario "
            f"({spec.days} days each, {spec.replicates} replicates a setting; the training "
            "sweep `experiments/sweeps/emulator_training.toml`). Each run is paired with the "
            "same run without the policy. It answers in milliseconds where the model takes "
            "seconds a run. Beside each output: its R² against the model over "
            f"{int(first['points'])} settings, each predicted by an emulator fitted without it "
            f"({int(first['folds'])}-fold cross-validation), and the share of those settings' "
            f"runs inside the {INTERVAL:.0%} interval (right if near {INTERVAL:.0%}). An output "
            f"with R² below {R2_GOOD:g} is predicted poorly: check it with the model."
        )


_LOADING = threading.Lock()


def shipped() -> EmulatorCard:
    """The shipped emulator, loaded once per server process (the first load takes seconds)."""
    with _LOADING:  # two sessions opening the page at once load it once
        return _load()


@functools.cache
def _load() -> EmulatorCard:
    scores = pd.read_csv(SHIPPED_TRAINING / EMULATOR_FOLDER / "validation.csv")
    return EmulatorCard(
        shipped_emulator(),
        scores.set_index("output").to_dict("index"),
        load_sweep(SHIPPED_TRAINING / "sweep.toml"),
    )


def output_label(output: str) -> str:
    """An output's label: the metric's declared one, or the net cost's."""
    return NET_COST_LABEL if output == NET_COST else METRICS[output].label


def shown(output: str, value: float) -> str:
    """A value of ``output`` in its declared format; a count given as a mean is rounded."""
    if not math.isfinite(value):
        return "n/a"
    pattern = "{:,.0f}" if output == NET_COST else METRICS[output].format
    if re.search(r"\.\d|%", pattern) is None:  # a whole-number format: '{:,}'
        value = round(value)
    return pattern.format(value)


@dataclass(frozen=True)
class Answer:
    """The emulator's answer for one output at one setting, with the output's scores."""

    output: str
    central: float
    low: float
    high: float
    r2: float
    coverage: float

    @property
    def poor(self) -> bool:
        """Whether the emulator predicts this output poorly (its R² below :data:`R2_GOOD`)."""
        return not self.r2 >= R2_GOOD  # an undefined R² is no evidence of a good fit


def answers(card: EmulatorCard, setting: Setting) -> list[Answer]:
    """Each output's answer at ``setting``; a setting outside the ranges is a SweepError."""
    predicted = card.emulator.predict(dict(setting)).iloc[0]
    return [
        Answer(
            output,
            float(predicted[output]),
            float(predicted[f"{output}_low"]),
            float(predicted[f"{output}_high"]),
            card.scores[output]["r2"],
            card.scores[output]["coverage_90"],
        )
        for output in card.emulator.outputs
    ]


ANSWER_HEADINGS = (
    "figure",
    "emulator: central value",
    f"{INTERVAL:.0%} interval for one run",
    "cross-validated R²",
    f"runs inside the {INTERVAL:.0%} interval",
    "fit",
)


def answers_html(found: list[Answer]) -> str:
    """The answers as an HTML table: an output a row, its scores and a flag beside it.

    HTML, not Markdown: it is drawn at every lever move, and converting Markdown took longer
    than the emulator's answer.
    """
    head = "".join(f'<th scope="col">{escape(text)}</th>' for text in ANSWER_HEADINGS)
    rows = []
    for answer in found:
        fit = f"<strong>predicted poorly</strong> (R² below {R2_GOOD:g})" if answer.poor else "good"
        cells = [
            shown(answer.output, answer.central),
            interval(answer.output, answer.low, answer.high),
            f"{answer.r2:.2f}",
            f"{answer.coverage:.0%}",
        ]
        rows.append(
            f'<tr><th scope="row">{escape(output_label(answer.output))}</th>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
            + f"<td>{fit}</td></tr>"
        )
    return (
        f'<table class="whatif-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def interval(output: str, low: float, high: float) -> str:
    """'low to high' in the output's format ('to', not a dash: the ends may be negative)."""
    return f"{shown(output, low)} to {shown(output, high)}"


@dataclass(frozen=True)
class SliderRange:
    """A slider's ends and step: inside the emulator's range, on the slider's grid."""

    low: float
    high: float
    step: float


def slider_range(name: str, low: float, high: float, positions: int) -> SliderRange:
    """The slider of ``name`` over [low, high]: about ``positions`` steps, ends moved inward.

    The step is a power of ten (as the live page's sliders have), and the browser's slider
    rounds its value to the step: ends rounded inward keep every value it can give inside the
    range the emulator answers for.
    """
    if PARAMETERS[name].kind is int:
        return SliderRange(math.ceil(low), math.floor(high), 1)
    exponent = round(math.log10((high - low) / positions))
    step, digits = 10.0**exponent, max(0, -exponent)
    return SliderRange(
        round(math.ceil(low / step) * step, digits),
        round(math.floor(high / step) * step, digits),
        step,
    )


def slider_ranges(card: EmulatorCard, positions: int) -> dict[str, SliderRange]:
    """Every input's slider."""
    return {
        name: slider_range(name, *card.emulator.ranges[name], positions)
        for name in card.emulator.inputs
    }


def on_slider(value: float, slider: SliderRange) -> float:
    """``value`` as the slider holds it: inside its ends and on its grid of steps."""
    digits = max(0, -math.floor(math.log10(slider.step)))
    snapped = round(round(value / slider.step) * slider.step, digits)
    return min(max(snapped, slider.low), slider.high)


def starting_setting(card: EmulatorCard, ranges: Mapping[str, SliderRange]) -> dict[str, Any]:
    """The training scenario's values, each as its slider holds it (inside, on its grid).

    On the grid, because the browser's slider rounds its value to the step: the page's first
    setting is then the one the emulator answers and a check runs at.
    """
    values = scenario_parameters(card.training.scenario, **card.training.fixed)
    return {
        name: PARAMETERS[name].kind(on_slider(values[name], ranges[name]))
        for name in card.emulator.inputs
    }


def setting_in_words(card: EmulatorCard, setting: Setting) -> str:
    """'scenario pilot with return cap per week = 500 returns/week, ...'."""
    return levers_in_words(card.training.scenario, dict(setting))
