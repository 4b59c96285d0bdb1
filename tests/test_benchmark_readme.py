"""The benchmark scripts' README regions: made from the figures measured, and only there.

The benchmarks themselves are scripts that take minutes (and time nothing in the tests): here
their Markdown is made from hand-made figures, and checked for what a reader needs.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import benchmark_core  # noqa: E402
import benchmark_pair  # noqa: E402
import readme_section  # noqa: E402

from model.markdown import region  # noqa: E402

FACTS = {
    "python": "3.13.0",
    "mesa": "3.5.1",
    "numpy": "2.5.5",
    "platform": "Linux",
    "cpus": 2,
    "load_average_1min": 0.4,
    "date": "2026-12-03 10:00:00",
}
GIB = 2**30


def scale(flow, seconds, migrant_days, peak_bytes, **extra):
    runs = [{"seconds": seconds, "migrant_days": migrant_days, "arrivals": 100}]
    return {"scale": flow, "runs": runs, "peak_rss": peak_bytes, "rss_after_imports": 0, **extra}


def test_the_core_region_shows_every_flow_and_the_verdict_of_each_target():
    measured = [
        scale(1.0, 1.0, 7_000_000, GIB // 4, boltzmann_agent_steps_per_s=[150_000.0]),
        scale(25.0, 20.0, 175_000_000, int(1.5 * GIB)),  # over 1 GiB; 0.8x the 1x cost
    ]
    figures = benchmark_core.summarise(measured) | {"environment": FACTS}
    text = benchmark_core.markdown_report(figures, "benchmarks/benchmark_core.py --readme")

    assert "| 1x | 1 | 1.00 s | 7.00 M |" in text
    assert "| 25x | 1 | 20.00 s | 175.00 M |" in text and "0.114 (0.80)" in text
    assert "| 25x peak memory <= 1 GiB | 1.50 GiB | **not met** |" in text
    assert "25x <= 1.2 x the 1x cost | 0.80 x | met |" in text
    assert "46.7x" in text  # 7 M migrant-days a second against 150,000 agent-steps
    assert "`benchmarks/benchmark_core.py --readme` on 2026-12-03 10:00:00" in text
    assert "load average 0.40" in text


def test_the_pair_region_gives_the_cost_where_a_day_goes_and_the_comparison():
    figures = {
        "seconds": [1.2, 1.0, 1.1],
        "rates": [150_000.0, 140_000.0, 160_000.0],
        "median_seconds": 1.1,
        "median_rate": 150_000.0,
        "cost": 165_000.0,
        "phases": {
            "seconds": {"learning": 0.2, "decisions and bookings": 0.5},
            "days": 500,
            "seconds_with_timers": 1.0,
        },
        "against": {"other": "/tmp/old", "repeats": 3, "here": 1.0, "there": 1.5},
    }
    text = benchmark_pair.markdown_report(figures, FACTS, "benchmarks/benchmark_pair.py")

    assert "| the pair's cost in BoltzmannWealth agent-steps | 165,000 (target at most 75,000: " \
        "**not** met) |" in text  # fmt: skip
    # phases, most costly first, with their share; the rest is what lies outside the days
    assert text.index("| decisions and bookings | 1.000 | 50.0% |") < text.index(
        "| learning | 0.400 | 20.0% |"
    )
    assert "| outside the days (set-up, fork, series, summary) | - | 30.0% |" in text
    assert "1.00 s against 1.50 s, a speed-up of 1.50x" in text

    cheap = {**figures, "cost": 70_000.0}
    assert "70,000 (target at most 75,000: met)" in benchmark_pair.markdown_report(
        cheap, FACTS, "benchmarks/benchmark_pair.py"
    )


def test_the_pair_region_sets_the_targets_day_against_a_day_by_the_flow():
    figures = {
        "seconds": [1.0],
        "rates": [150_000.0],
        "median_seconds": 1.0,
        "median_rate": 150_000.0,
        "cost": 150_000.0,
        "floor": {
            "ms_a_day": {1.0: 2.0, 0.2: 1.1, 0.04: 0.8},
            "calls_a_day": {1.0: 2_000.0, 0.2: 1_700.0, 0.04: 1_600.0},
            "repeats": 3,
            "pair_days": 500,
        },
    }
    text = benchmark_pair.markdown_report(figures, FACTS, "benchmarks/benchmark_pair.py")

    assert "| a day at 1x the flow | 2.00 | 2,000 |" in text
    assert "| a day at 1/25 the flow | 0.80 | 1,600 |" in text
    assert "| what grows with the people at 1x (1x less 1/25) | 1.20 | 400 |" in text
    # 0.8 ms over 1,600 calls: 0.5 µs a call; 2,000 calls at 1x cost 1.0 ms, the rest 1.0 ms
    assert "cost a call, 0.50 µs) | 1.00 | - |" in text
    assert "the work on the people's arrays | 1.00 | - |" in text
    # 75,000 agent-steps at 150,000 a second: 0.5 s over 500 days, 1.00 ms a day
    assert "over the pair's 500 days, nothing outside them) | 1.00 | - |" in text


def test_writing_a_region_leaves_the_rest_of_the_readme_as_it_was(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(
        "prose before\n<!-- benchmark-pair:start -->\nold\n<!-- benchmark-pair:end -->\n"
        "<!-- benchmark-core:start -->\ncore\n<!-- benchmark-core:end -->\nprose after\n"
    )
    monkeypatch.setattr(readme_section, "README", readme)
    readme_section.write_region("benchmark-pair", "new figures")
    text = readme.read_text()
    assert region(text, "benchmark-pair") == "new figures"
    assert region(text, "benchmark-core") == "core"
    assert text.startswith("prose before\n") and text.endswith("prose after\n")


def test_the_readme_holds_both_generated_regions_made_by_their_scripts():
    text = (ROOT / "README.md").read_text()
    assert region(text, "benchmark-core").startswith("One `pilot` year")
    assert "Made by `benchmarks/benchmark_core.py" in region(text, "benchmark-core")
    assert "Made by `benchmarks/benchmark_pair.py" in region(text, "benchmark-pair")
