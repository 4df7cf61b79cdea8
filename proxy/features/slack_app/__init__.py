"""The Slack app operators install: its manifest with this deployment's addresses filled in."""
