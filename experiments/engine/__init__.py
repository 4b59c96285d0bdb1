"""The sweep engine: sweep files, the results store and its executors, and per-point analysis.

Headless and independent of the research experiments: it runs the model (``model.run``) over a
design of parameter points and seeds, stores every run so that an interrupted sweep resumes,
and summarises and draws the results. The command line, the app's sweep page and the research
experiments all use it; it imports none of them.

- :mod:`experiments.engine.spec`: sweep files, checked (``SweepSpec``, ``load_sweep``)
- :mod:`experiments.engine.runner`: the results store and the local and Dask executors
- :mod:`experiments.engine.analysis`: per-point tables and figures of a results store
- :mod:`experiments.engine.labels`, :mod:`experiments.engine.figures`: names in words, plots
- :mod:`experiments.engine.provenance`: the code version stored with every result
"""
