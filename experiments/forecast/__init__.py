"""A dated forecast log: the model's forecasts of small-boat arrivals, written before the data.

``forecast_log.csv`` holds one row a forecast: the period (first and last day), the scenario it
ran under, the median and 90% interval of the arrivals the model forecasts in that period, how
the interval was made (the calibration's posterior draws times seeds, or seeds only), how many
runs, the date it was made, the code version and what data the model had seen. The log is
append-only: a forecast is never rewritten, and a new forecast of the same period by newer code
is a new row.

- :mod:`experiments.forecast.log`: the log's rows, read and checked, and appended;
- :mod:`experiments.forecast.make`: running the model for the periods and making the rows
  (``deterrence forecast make``);
- :mod:`experiments.forecast.score`: each logged forecast against the observed arrivals of its
  period, as rows are added to ``model/data/observed_arrivals_by_period.csv``
  (``deterrence forecast score``).
"""
