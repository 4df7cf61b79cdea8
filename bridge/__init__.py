"""The Slack bridge: Slack events in, answers through the proxy out."""
