"""Experiment: the Albania natural experiment, a held-out backcast of 2022-2023."""
