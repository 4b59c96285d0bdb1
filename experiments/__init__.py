"""Running the model for research: the command line, output files, sweeps and experiments."""
