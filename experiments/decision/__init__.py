"""Decision support: an emulator of the model, the cheapest lever mix, break-even conditions."""
