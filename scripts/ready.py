"""The last process of `make up`: creates the first platform admin, waits until every
component answers, then prints where each one is and how to log in.

It stays running afterwards: honcho stops the whole stack when any process exits.
"""

import asyncio
import os
import signal
import ssl
import sys
import time
from dataclasses import dataclass
from types import FrameType

import httpx
from dotenv import load_dotenv

from bridge.settings import Settings as BridgeSettings
from policies.tls import client_context
from proxy.bootstrap import bootstrap
from proxy.core.settings import Settings, get_settings
from proxy.gateway.config import LOCAL_MODEL_ALIAS, needs_local_model

# portal/package.json serves the portal with `next start -p 3000`.
PORTAL_URL = "http://127.0.0.1:3000"
NOTE_EVERY_SECONDS = 60


@dataclass(frozen=True)
class Component:
    name: str
    url: str
    health_url: str
    note: str


def scheme(cert_file: str) -> str:
    return "https" if cert_file else "http"


def components(settings: Settings, bridge: BridgeSettings, local_model: bool) -> list[Component]:
    proxy = (
        f"{scheme(settings.konstruct_tls_cert_file)}://{settings.proxy_host}:{settings.proxy_port}"
    )
    bridge_url = (
        f"{scheme(bridge.konstruct_tls_cert_file)}://{bridge.bridge_host}:{bridge.bridge_port}"
    )
    found = [
        Component("portal", PORTAL_URL, f"{PORTAL_URL}/healthz", "log in here"),
        Component("proxy", proxy, f"{proxy}/healthz", "OpenAI API at /v1, API docs at /docs"),
        Component("bridge", bridge_url, f"{bridge_url}/healthz", "Slack events at /slack/events"),
    ]
    if local_model:
        found.append(
            Component(
                "model",
                settings.local_model_url,
                f"{settings.local_model_url}/models",
                f"local {LOCAL_MODEL_ALIAS}: no provider key is set",
            )
        )
    return found


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()  # honcho reads a pipe: without this the box waits for a full buffer


def wait_for(component: Component, verify: ssl.SSLContext) -> None:
    """Poll until it answers; the portal's first start builds it, which takes minutes."""
    started = noted = time.monotonic()
    while True:
        try:
            if httpx.get(component.health_url, timeout=5, verify=verify).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() - noted > NOTE_EVERY_SECONDS:
            noted = time.monotonic()
            say(f"still waiting for the {component.name} ({int(noted - started)} s)")
        time.sleep(1)


def box(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "─" * (width + 2)
    body = [f"│ {line.ljust(width)} │" for line in lines]
    return "\n".join([f"┌{rule}┐", *body, f"└{rule}┘"])


def _stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 (a signal handler)
    # Nothing is left to flush, and the exit handlers of what bootstrap imported (LiteLLM's)
    # can outlast honcho's grace period on a busy machine.
    os._exit(0)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    load_dotenv(override=False)  # as the proxy does, so both agree on the local model
    settings = get_settings()
    login = asyncio.run(bootstrap(settings))
    found = components(settings, BridgeSettings(), needs_local_model(dict(os.environ)))
    verify = client_context(settings.konstruct_tls_ca_file)
    for component in found:
        wait_for(component, verify)
    width = max(len(c.name) for c in found)
    lines = [
        "Konstruct is up.",
        "",
        *(f"{c.name.ljust(width)}  {c.url}  ({c.note})" for c in found),
        "",
        *login.splitlines(),
        "",
        "Ctrl-C stops everything.",
    ]
    say(box(lines))
    signal.pause()


if __name__ == "__main__":
    main()
