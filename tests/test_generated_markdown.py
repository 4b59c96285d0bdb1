"""Generated Markdown: tables, regions kept generated, and the README's calibration fit table
matching the committed full-size results."""

import pandas as pd
import pytest

from experiments.calibration.run import FIT_REGION, README
from experiments.engine.provenance import PROJECT_ROOT
from model.markdown import markdown_table, region, replace_region

FULL_FIT_TABLE = PROJECT_ROOT / "experiments" / "calibration" / "results" / "full" / "fit_table.csv"


def test_markdown_table_escapes_bars():
    table = pd.DataFrame({"a|b": ["x|y", 1]})
    assert markdown_table(table) == "| a\\|b |\n| --- |\n| x\\|y |\n| 1 |"


def test_a_region_is_replaced_whole_and_the_prose_around_it_stays():
    text = "Before.\n\n<!-- fit:start -->\nold\nrows\n<!-- fit:end -->\n\nAfter.\n"
    updated = replace_region(text, "fit", "| new |\n")
    assert updated == "Before.\n\n<!-- fit:start -->\n| new |\n<!-- fit:end -->\n\nAfter.\n"
    assert region(updated, "fit") == "| new |"
    assert replace_region(updated, "fit", "| new |") == updated  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "no markers",
        "<!-- fit:end -->\n<!-- fit:start -->",
        "<!-- fit:start -->\n<!-- fit:start -->\n<!-- fit:end -->",
    ],
)
def test_missing_repeated_or_reversed_markers_are_a_one_line_error(text):
    with pytest.raises(ValueError, match="expected one '<!-- fit:start -->' followed by one"):
        replace_region(text, "fit", "x")


def test_the_readme_fit_table_is_the_committed_full_size_fit():
    fit = pd.read_csv(FULL_FIT_TABLE, dtype=str, keep_default_na=False)
    assert region(README.read_text(), FIT_REGION) == markdown_table(fit)
