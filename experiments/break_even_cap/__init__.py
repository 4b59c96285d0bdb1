"""Experiment: the return cap needed for break-even deterrence (2%, 37%, 50%), by crackdown."""
