"""Agents: a tenant's AI employees, as designed in the Agent Designer."""
