"""The gateway wiring: LiteLLM's app with our routers, its config, and the services plugins/ use."""
