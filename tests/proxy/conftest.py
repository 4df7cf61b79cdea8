"""Proxy suites use the shared stack fixtures from tests/stack.py (a pytest plugin)."""
