"""Benchmarks: not tests. Each prints its figures; the README quotes them with the command."""
