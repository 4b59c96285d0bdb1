"""Agents of the Channel deterrence model: migrants, smuggling gangs, enforcement, employers."""
