"""The cheapest lever mixes reaching the break-even deterrence (issue 15)."""
