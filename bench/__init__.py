"""Benchmarks for Tutti. Run them all with `make bench` (or `python -m bench`).

A benchmark is a module in this folder named `bench_<something>.py` with a `run()` function
that does the work, times it itself, and returns a dict of plain numbers and strings.
`python -m bench` runs each one and writes what it returned to bench/results/<something>.json.
"""
