"""Experiment: how smugglers adapt as enforcement rises."""
