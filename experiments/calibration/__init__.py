"""Experiment: calibration of the behaviour parameters to the public series, 2019-2024."""
