"""Benchmarks: `make bench` (or `python -m bench --quick`). Figures, never test assertions."""
