"""The Channel deterrence model: parameters, scenarios, the Mesa model and its outputs."""
