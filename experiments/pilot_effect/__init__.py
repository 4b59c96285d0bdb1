"""Experiment: the pilot as announced against no pilot."""
