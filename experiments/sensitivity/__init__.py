"""Experiment: global (Sobol) sensitivity of the deterrence effect to behaviour parameters."""
