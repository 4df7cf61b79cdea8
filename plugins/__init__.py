"""LiteLLM extension points: custom auth, persona hook and usage logger.

Plugins never import proxy/: the proxy binds a `GatewayServices` implementation at
start-up (see plugins/contracts.py), so the arrow stays proxy -> plugins -> policies.
"""
