"""Operational scripts run by the Makefile."""
