"""Generated load for benchmarks: `manage.py generate_load` (see generate.py)."""
