"""Sensitivity analysis: which assumptions move the answer (see docs/sensitivity.md).

- :mod:`sim.sensitivity.params`: the uncertain parameter groups of a scenario and their ranges;
- :mod:`sim.sensitivity.oneway`: the tornado (each group low and high, paired differences);
- :mod:`sim.sensitivity.engine`: Morris and Sobol for any noisy evaluator;
- :mod:`sim.sensitivity.model_sa`: the engine on the model;
- :mod:`sim.sensitivity.evaluate`: the one adapter to the sweep store and backends;
- :mod:`sim.sensitivity.output`, :mod:`sim.sensitivity.report`, :mod:`sim.sensitivity.cli`.
"""
