"""Observability shared by the proxy, its plugins and the bridge; imports nothing of ours."""
