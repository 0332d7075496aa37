"""Scorer benchmarks: ``python -m bench.scorer --help``."""
