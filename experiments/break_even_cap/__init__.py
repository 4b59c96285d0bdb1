"""Experiment: the return cap needed for 37% deterrence, with and without a crackdown."""
