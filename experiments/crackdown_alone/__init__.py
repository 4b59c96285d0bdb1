"""Experiment: an illegal-working crackdown alone, by intensity."""
