"""Experiment: how beliefs follow the facts, and what misinformation and campaigns do."""
