"""The repository's slack-app-manifest.yaml with YOUR-HOST replaced by KONSTRUCT_BRIDGE_URL.

The manifest file stays the one description of the app (bridge/install.py keeps its scopes
in step); this only reads it, so the portal can show and offer exactly what Slack gets.
"""

import ipaddress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from proxy.core.errors import Unavailable
from proxy.core.runtime import Runtime
from proxy.features.slack_app.schemas import SlackApp

MANIFEST = Path(__file__).resolve().parents[3] / "slack-app-manifest.yaml"
PLACEHOLDER = "https://YOUR-HOST"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or host in ("localhost", "") or host.endswith(".local"):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True  # a name: Slack resolves it


def _list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def slack_app(runtime: Runtime, manifest: Path = MANIFEST) -> SlackApp:
    try:
        template = manifest.read_text(encoding="utf-8")
    except OSError as exc:
        raise Unavailable("The Slack app manifest is not installed with this proxy.") from exc
    bridge = runtime.settings.konstruct_bridge_url.rstrip("/")
    # The file's opening comments tell a person what to replace: done here, so they go.
    body = "\n".join(
        line for line in template.splitlines() if line.strip() and not line.startswith("#")
    )
    text = f"# Konstruct's Slack app for {bridge}\n{body.replace(PLACEHOLDER, bridge)}\n"
    parsed = yaml.safe_load(text) or {}
    settings = parsed.get("settings") or {}
    events = settings.get("event_subscriptions") or {}
    interactivity = settings.get("interactivity") or {}
    oauth = parsed.get("oauth_config") or {}
    return SlackApp(
        manifest_yaml=text,
        bridge_url=bridge,
        events_url=str(events.get("request_url") or f"{bridge}/slack/events"),
        redirect_url=next(
            iter(_list(oauth.get("redirect_urls"))), f"{bridge}/slack/oauth_redirect"
        ),
        interactivity_url=(
            str(interactivity.get("request_url"))
            if interactivity.get("is_enabled") and interactivity.get("request_url")
            else None
        ),
        bot_scopes=_list((oauth.get("scopes") or {}).get("bot")),
        bot_events=_list(events.get("bot_events")),
        reachable_by_slack=_reachable(bridge),
    )
