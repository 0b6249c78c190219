"""Benchmarks with their data generator (`python -m bench.run`, results in bench/RESULTS.md)."""
