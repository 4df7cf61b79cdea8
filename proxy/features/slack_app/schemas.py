"""Admin API models for the Slack app's manifest."""

from proxy.features.api.schemas import Output


class SlackApp(Output):
    # The manifest as pasted into api.slack.com/apps ("From a manifest"), YAML.
    manifest_yaml: str
    bridge_url: str
    events_url: str
    redirect_url: str
    interactivity_url: str | None
    bot_scopes: list[str]
    bot_events: list[str]
    # Slack calls only public https addresses; False for a local or plain-http bridge.
    reachable_by_slack: bool
