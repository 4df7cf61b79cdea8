"""Konstruct's platform rules and shared contracts: pure, no I/O, no imports of our other code."""
