"""Offline tooling that builds and judges Rapport's models: data, training, evaluation, baselines.

No running service imports this package; the services' command lines load it on demand for their
``train`` and ``evaluate`` commands.
"""
