"""Benchmarks: not tests; each prints its figures (see the README for the latest)."""
