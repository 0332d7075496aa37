"""Coach benchmarks: ``python -m bench.coach`` (score events -> profiles through a real broker)."""
