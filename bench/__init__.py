"""Benchmarks (run as scripts, see README.md) and serverctl, which the tests import too."""
