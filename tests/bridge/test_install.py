"""'Add to Slack' (bolt's OAuth flow): the portal's install link, Slack's consent screen with
bolt's state cookie, and the OAuth redirect."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from tests.bridge.conftest import (
    AUTHORIZE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    Bridge,
    Connected,
    slack_id,
)
from tests.bridge.events import mention
from tests.fakes.slack import SlackFake
from tests.processes import ROOT
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e


def install_state(proxy: ProxyServer, tenant_id: str) -> str:
    with proxy.admin() as admin:
        link = admin.post(f"/admin/tenants/{tenant_id}/slack-install-link")
    assert link.status_code == 200, link.text
    return str(parse_qs(urlsplit(link.json()["url"]).query)["state"][0])


def start_install(bridge: Bridge, state: str) -> tuple[httpx.Response, dict[str, str]]:
    """Open the install link as a browser does: the redirect to Slack, and the state cookie
    bolt sets (Secure: a browser sends it back to a local http bridge, httpx would not)."""
    answer = httpx.get(f"{bridge.url}/slack/install", params={"state": state})
    cookie = answer.headers.get("set-cookie", "").split(";")[0]
    return answer, {"Cookie": cookie} if cookie else {}


def finish_install(bridge: Bridge, cookie: dict[str, str], **params: str) -> httpx.Response:
    return httpx.get(f"{bridge.url}/slack/oauth_redirect", params=params, headers=cookie)


def manifest_scopes() -> set[str]:
    manifest = yaml.safe_load(Path(ROOT, "slack-app-manifest.yaml").read_text())
    return set(manifest["oauth_config"]["scopes"]["bot"])


def test_install_sends_the_installer_to_slack_with_the_state(
    bridge: Bridge, proxy: ProxyServer
) -> None:
    world = make_world(proxy, "Installer")
    state = install_state(proxy, world.id)
    answer, cookie = start_install(bridge, state)
    assert answer.status_code == 302
    assert cookie["Cookie"] == f"slack-app-oauth-state={state}"
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["state"] == state
    assert query["redirect_uri"] == f"{bridge.url}/slack/oauth_redirect"
    assert set(query["scope"].split(",")) == manifest_scopes()


@pytest.mark.parametrize("state", [None, "", "not-a-state-we-issued", "../../etc", "x" * 500])
def test_install_with_an_unknown_state_is_a_friendly_400(bridge: Bridge, state: str | None) -> None:
    params = {} if state is None else {"state": state}
    answer = httpx.get(f"{bridge.url}/slack/install", params=params)
    assert answer.status_code == 400
    assert "expired" in answer.text
    assert answer.headers["content-type"].startswith("text/html")


def test_oauth_redirect_connects_the_workspace_once_and_it_answers(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    world = make_world(proxy, "Installed", is_default=True)
    state = install_state(proxy, world.id)
    team_id = slack_id("T")
    fake_slack.configure(
        oauth_codes={"code-1": {"team_id": team_id, "team_name": "Installed Co"}},
        oauth_client_id=CLIENT_ID,
        oauth_client_secret=CLIENT_SECRET,
    )
    _, cookie = start_install(bridge, state)
    done = finish_install(bridge, cookie, code="code-1", state=state)
    assert done.status_code == 200, done.text
    assert "Installed Co" in done.text
    (access,) = fake_slack.calls("oauth.v2.access")
    assert access.ok
    token = access.response["access_token"]
    assert token not in done.text

    with proxy.admin() as admin:
        listed = admin.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"]
    assert [(c["workspace_id"], c["workspace_name"], c["bot_user_id"]) for c in listed] == [
        (team_id, "Installed Co", f"UBOT{team_id}")
    ]

    again = finish_install(bridge, cookie, code="code-1", state=state)
    assert again.status_code == 400
    assert len(fake_slack.calls("oauth.v2.access")) == 1

    # The new workspace is live: its events are answered with the token Slack minted.
    installed = Connected(world, team_id, f"UBOT{team_id}", token, {})
    channel = slack_id("C")
    event = mention(fake_slack, installed, channel)
    _, event_id = bridge.deliver(team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert {call.token for call in fake_slack.calls() if call.method.startswith("chat.")} == {token}


def test_oauth_redirect_after_the_installer_cancelled(bridge: Bridge, proxy: ProxyServer) -> None:
    world = make_world(proxy, "Cancelled")
    state = install_state(proxy, world.id)
    answer = httpx.get(
        f"{bridge.url}/slack/oauth_redirect", params={"error": "access_denied", "state": state}
    )
    assert answer.status_code == 400
    assert "cancelled" in answer.text


def test_an_install_in_an_enterprise_grid_workspace_connects_that_workspace(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    world = make_world(proxy, "Gridded")
    state = install_state(proxy, world.id)
    team_id = slack_id("T")
    fake_slack.configure(
        oauth_codes={
            "code-g": {
                "team_id": team_id,
                "team_name": "Grid Workspace",
                "enterprise": {"id": slack_id("E"), "name": "Starship"},
            }
        }
    )
    _, cookie = start_install(bridge, state)
    done = finish_install(bridge, cookie, code="code-g", state=state)
    assert done.status_code == 200, done.text
    with proxy.admin() as admin:
        listed = admin.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"]
    assert [c["workspace_id"] for c in listed] == [team_id]


def test_a_redirect_from_another_browser_is_refused_and_nothing_is_stored(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    """Bolt's state cookie: the browser that opened the install link must finish it."""
    world = make_world(proxy, "Hijacked")
    state = install_state(proxy, world.id)
    start_install(bridge, state)
    fake_slack.configure(oauth_codes={"code-x": slack_id("T")})
    stolen = finish_install(bridge, {}, code="code-x", state=state)
    assert stolen.status_code == 400
    assert "expired" in stolen.text
    assert fake_slack.calls("oauth.v2.access") == []
    with proxy.admin() as admin:
        assert admin.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"] == []
