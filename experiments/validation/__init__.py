"""Out-of-sample validation: the windows to predict, two simple baselines and their scores.

The model's rolling-origin predictions are compared with the baselines on the same windows
(``windows.py``): persistence (``persistence.py``) and a count model of arrivals on crossing
weather (``count_model.py``), collected by ``baselines.py`` and scored by ``scoring.py``.
"""
