"""The calibration script runs and the baseline meets the 2024 targets (two seeds here; ten in
the README's table)."""

from experiments.calibration_check import CHECKS, TARGETS, main


def test_calibration_targets_are_met_and_printed(capsys):
    assert main(["--seeds", "2"]) == 0
    printed = capsys.readouterr().out
    for target in TARGETS + CHECKS:
        assert target.label in printed
    assert "NO" not in printed.split()


def test_markdown_table(capsys):
    assert main(["--seeds", "1", "--markdown"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("| Target |")
    assert len(lines) == 2 + len(TARGETS) + len(CHECKS)
