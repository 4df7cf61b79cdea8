"""Enterprise Grid: an org-wide install (`is_enterprise_install`, `team: null`) connects the
org, and events from every workspace of the org reach the tenant that installed it, with
Slack's own event and OAuth shapes of org-wide apps."""

import pytest

from tests.bridge.conftest import Bridge, Connected, slack_id
from tests.bridge.events import mention
from tests.bridge.test_install import finish_install, install_state, start_install
from tests.bridge.test_replies import FAKE_REPLY, texts
from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e


def test_an_org_wide_install_answers_in_every_workspace_of_the_org(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    world = make_world(proxy, "Starship", is_default=True)
    enterprise = slack_id("E")
    fake_slack.configure(
        oauth_codes={
            "code-org": {
                "enterprise": {"id": enterprise, "name": "Starship Org"},
                "is_enterprise_install": True,
            }
        }
    )
    state = install_state(proxy, world.id)
    _, cookie = start_install(bridge, state)
    done = finish_install(bridge, cookie, code="code-org", state=state)
    assert done.status_code == 200, done.text
    assert "Starship Org" in done.text
    (access,) = fake_slack.calls("oauth.v2.access")
    assert access.response["team"] is None
    assert access.response["is_enterprise_install"] is True
    with proxy.admin() as admin:
        (made,) = admin.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"]
    assert (made["workspace_id"], made["enterprise_id"], made["is_enterprise_install"]) == (
        enterprise,
        enterprise,
        True,
    )

    org_token = access.response["access_token"]
    org_bot = access.response["bot_user_id"]
    for _ in range(2):
        team = slack_id("T")
        in_team = Connected(world, team, org_bot, org_token, {})
        channel = slack_id("C")
        event = mention(fake_slack, in_team, channel, "hi from a workspace of the org")
        # The token is the org's (mention() seeded the person's message in `team`), and the
        # org's token sees every workspace of the org.
        fake_slack.install_workspace(enterprise, org_token, org_bot, org_wide=True)
        fake_slack.add_org_workspace(enterprise, team)
        _, event_id = bridge.deliver(team, event, org_wide_install=enterprise)
        assert bridge.wait_job(event_id) == "answered"
        assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    assert {c.token for c in fake_slack.calls() if c.method.startswith("chat.")} == {org_token}


def test_a_workspace_install_inside_an_org_keeps_its_own_tenant(
    bridge: Bridge, proxy: ProxyServer, acme: Connected, fake_slack: SlackFake
) -> None:
    """Events of a workspace that has its own install go to that install's tenant, even when
    the payload names its org."""
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "hello")
    _, event_id = bridge.deliver(acme.team_id, event, enterprise_id=slack_id("E"))
    assert bridge.wait_job(event_id) == "answered"
    assert {c.token for c in fake_slack.calls() if c.method.startswith("chat.")} == {acme.bot_token}
