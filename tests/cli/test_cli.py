"""`konstruct` end to end: every command against the real proxy (and bridge), as a user runs it."""

import json
import os
import pty
import re
import select
import subprocess
import time
import uuid
from typing import Any

import httpx
import openai
import pytest

from cli.simulate import SIMULATED_BOT, simulated_team
from proxy.core.db.engine import Database
from proxy.gateway.config import LOCAL_MODEL_ALIAS
from tests.bridge.conftest import SIGNING_SECRET
from tests.cli.conftest import Konstruct, SimulatedSlack
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.fakes.slack import SlackFake
from tests.processes import free_port
from tests.stack import ProxyServer, make_world, spend

pytestmark = pytest.mark.e2e

REPLY = "Our hours are nine to five, said the fake provider."


@pytest.fixture
def providers(
    fake_ollama: OllamaFake, fake_anthropic: AnthropicFake, fake_openai: OpenAIFake
) -> list[Any]:
    """Every provider answers REPLY, whichever the router picks."""
    fakes: list[Any] = [fake_ollama, fake_anthropic, fake_openai]
    for fake in fakes:
        fake.configure(reply_text=REPLY)
    return fakes


def user_messages(fakes: list[Any]) -> str:
    return json.dumps([request.json for fake in fakes for request in fake.model_calls()])


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def table_rows(output: str) -> list[str]:
    """The body lines of rich's table (its header is drawn with heavy lines): a row that
    wrapped would take two."""
    return [line for line in output.splitlines() if line.startswith("│")]


def test_tenant_create_then_list_and_suspend(konstruct: Konstruct) -> None:
    slug = unique("cli")
    made = konstruct("tenant", "create", "CLI Corp", "--slug", slug, "--json")
    assert made.exit_code == 0, made.output
    tenant = json.loads(made.stdout)
    assert (tenant["slug"], tenant["name"], tenant["status"]) == (slug, "CLI Corp", "active")

    # The list is paged (25 a page) and the suite makes many tenants: an operator finds
    # one by searching. A 100-column terminal holds the row on one line, with the id's
    # first 8 characters.
    listed = konstruct("tenant", "list", "--query", slug, COLUMNS="100")
    assert listed.exit_code == 0, listed.output
    assert "Tenants 1-1 of 1" in listed.stdout
    rows = table_rows(listed.stdout)
    assert len(rows) == 1, listed.stdout
    [row] = rows
    assert slug in row
    assert "CLI Corp" in row
    assert "active" in row
    assert f" {tenant['id'][:8]} " in row
    assert tenant["id"] not in listed.stdout
    # On an 80-column terminal the other columns fold, but the short id a command takes
    # back stays whole on one line.
    narrow = konstruct("tenant", "list", "--query", slug, COLUMNS="80")
    assert narrow.exit_code == 0, narrow.output
    assert any(f" {tenant['id'][:8]} " in line for line in table_rows(narrow.stdout))
    # The newest first, as an operator looks for the tenant just made.
    newest = konstruct("tenant", "list", "--sort", "created_at", "--desc", "--json")
    assert newest.exit_code == 0, newest.output
    assert tenant["id"] in [t["id"] for t in json.loads(newest.stdout)]

    # The short id as shown is what a command takes.
    suspended = konstruct("tenant", "suspend", tenant["id"][:8])
    assert suspended.exit_code == 0, suspended.output
    assert f"tenant {slug} is now suspended" in suspended.stdout
    after = json.loads(konstruct("tenant", "list", "--query", slug, "--json").stdout)
    assert [t["status"] for t in after] == ["suspended"]
    resumed = konstruct("tenant", "resume", slug)
    assert f"tenant {slug} is now active" in resumed.stdout


def test_api_errors_are_one_clear_line_and_a_failing_exit(konstruct: Konstruct) -> None:
    slug = unique("dup")
    assert konstruct("tenant", "create", "Dup", "--slug", slug).exit_code == 0
    again = konstruct("tenant", "create", "Dup", "--slug", slug)
    assert again.exit_code == 1
    assert again.stderr.startswith("error: ")
    assert "(409 conflict)" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    bad = konstruct("agent", "create", "--tenant", slug, "--name", "Ada", "--tier", "turbo")
    assert bad.exit_code == 1
    assert "model_tier" in bad.stderr
    assert "(422 validation_error)" in bad.stderr

    unknown = konstruct("key", "list", "--tenant", "no-such-tenant")
    assert unknown.exit_code == 1
    assert "no tenant with slug or id 'no-such-tenant'" in unknown.stderr

    locked_out = konstruct("tenant", "list", KONSTRUCT_MASTER_KEY="sk-wrong")
    assert locked_out.exit_code == 1
    assert "(401 unauthorized)" in locked_out.stderr


def test_agent_and_key_work_with_the_openai_sdk_until_revoked(
    konstruct: Konstruct, proxy: ProxyServer, providers: list[Any]
) -> None:
    slug = unique("keys")
    assert konstruct("tenant", "create", "Keys Inc", "--slug", slug).exit_code == 0
    made = konstruct(
        "agent", "create", "--tenant", slug, "--name", "Ada", "--role", "Support lead",
        "--persona", "PERSONA-KEYS", "--default", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    agent = json.loads(made.stdout)
    assert (agent["slug"], agent["is_default"], agent["model_tier"]) == ("ada", True, "fast")
    agents = konstruct("agent", "list", "--tenant", slug, COLUMNS="80")
    [row] = table_rows(agents.stdout)
    assert "Support lead" in row
    assert f" {agent['id'][:8]} " in row
    assert agent["id"] not in agents.stdout

    issued = konstruct("key", "issue", "--tenant", slug, "--name", "billing app", "--rpm", "60")
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip().splitlines()[-1]
    assert secret.startswith("sk-kon-")
    assert "billing app" in issued.stdout

    client = openai.OpenAI(api_key=secret, base_url=f"{proxy.url}/v1", max_retries=0)
    reply = client.chat.completions.create(
        model="konstruct-fast",
        messages=[{"role": "user", "content": "When are you open?"}],
        extra_headers={"X-Konstruct-Agent": "ada"},
    )
    assert reply.choices[0].message.content == REPLY
    assert "PERSONA-KEYS" in user_messages(providers)

    figures: dict[str, Any] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        figures = json.loads(konstruct("usage", "--tenant", slug, "--json").stdout)
        # The usage route reads each figure in its own statement: wait for all of them.
        if figures["totals"]["calls"] >= 1 and figures["by_agent"]:
            break
        time.sleep(0.5)
    assert figures["totals"]["calls"] == 1
    assert [a["agent_name"] for a in figures["by_agent"]] == ["Ada"]
    shown = konstruct("usage", "--tenant", slug)
    assert shown.exit_code == 0
    assert f"Usage of {slug}" in shown.stdout
    assert "Ada" in shown.stdout

    keys = json.loads(konstruct("key", "list", "--tenant", slug, "--json").stdout)
    [key] = [k for k in keys if k["name"] == "billing app"]
    assert key["rpm_limit"] == 60
    assert secret not in json.dumps(keys)
    revoked = konstruct("key", "revoke", "--tenant", slug, key["prefix"])
    assert revoked.exit_code == 0, revoked.output
    assert f"key {key['prefix']} (billing app) revoked" in revoked.stdout
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(
            model="konstruct-fast", messages=[{"role": "user", "content": "still there?"}]
        )

    spare = json.loads(konstruct("key", "issue", "-t", slug, "--name", "spare", "--json").stdout)
    # Too wide for 80 columns: other cells fold, the short id and the prefix stay whole.
    shown = konstruct("key", "list", "--tenant", slug, COLUMNS="80")
    assert any(
        f" {spare['id'][:8]} " in row and f" {spare['prefix']} " in row
        for row in table_rows(shown.stdout)
    ), shown.stdout
    assert spare["id"] not in shown.stdout
    by_short_id = konstruct("key", "revoke", "--tenant", slug, spare["id"][:8])
    assert by_short_id.exit_code == 0, by_short_id.output
    assert f"key {spare['prefix']} (spare) revoked" in by_short_id.stdout


def test_chat_reads_piped_lines_and_revokes_its_temporary_key(
    konstruct: Konstruct, proxy: ProxyServer, providers: list[Any]
) -> None:
    world = make_world(proxy, "Chatty")
    chat = konstruct(
        "chat", "--tenant", world.slug, "--agent", world.agent["slug"],
        input="What are your hours?\n\nAnd on Sundays?\n",
    )  # fmt: skip
    assert chat.exit_code == 0, chat.output
    # Not a terminal: the answers and nothing else, no progress line on either stream.
    assert chat.stdout.splitlines() == [REPLY, REPLY]
    assert chat.stderr == ""
    sent = user_messages(providers)
    assert "PERSONA-Chatty" in sent
    assert "And on Sundays?" in sent
    keys = json.loads(konstruct("key", "list", "--tenant", world.slug, "--json").stdout)
    temporary = [k for k in keys if k["name"] == "konstruct chat (temporary)"]
    assert len(temporary) == 1
    assert temporary[0]["revoked_at"] is not None

    by_short_id = konstruct("chat", "-t", world.slug, "-a", world.agent["id"][:8], input="Hi\n")
    assert by_short_id.stdout.strip() == REPLY

    with_key = konstruct("chat", "--key", world.key, input="Hi\n")
    assert with_key.exit_code == 0
    assert with_key.stdout.strip() == REPLY
    wrong = konstruct("chat", "--key", "sk-kon-not-a-real-key-at-all-000000", input="Hi\n")
    assert wrong.exit_code == 1
    assert "(401 unauthorized)" in wrong.stderr


def test_doctor_names_the_broken_setting_and_its_fix(
    konstruct: Konstruct, proxy_env: dict[str, str]
) -> None:
    providers = {name: proxy_env[name] for name in ("OLLAMA_BASE_URL", "OPENAI_API_KEY")}
    good = konstruct("doctor", "--json", **providers)
    findings = {f["check"]: f for f in json.loads(good.stdout)}
    assert findings["proxy"]["status"] == "ok"
    assert findings["admin API"]["status"] == "ok"
    assert "platform_admin" in findings["admin API"]["detail"]
    assert findings["REDIS_URL"]["status"] == "ok"
    assert findings["DATABASE_URL"]["status"] == "ok"
    assert findings["konstruct-fast"]["detail"].startswith("ollama_chat/")

    broken = konstruct("doctor", REDIS_URL="redis://127.0.0.1:1/0", **providers)
    assert broken.exit_code == 1
    lines = broken.stdout.splitlines()
    failed = lines.index(next(line for line in lines if line.startswith("FAIL REDIS_URL")))
    assert "redis-server --daemonize yes" in lines[failed + 1]
    assert "point REDIS_URL at a running server" in lines[failed + 1]


def test_login_session_replaces_the_master_key_until_logout(
    konstruct: Konstruct, proxy: ProxyServer
) -> None:
    email, password = f"{unique('ops')}@konstruct.example", "a-long-operator-password"
    with proxy.admin() as admin:
        made = admin.post(
            "/admin/operators",
            json={"email": email, "password": password, "role": "platform_admin"},
        )
        assert made.status_code == 201, made.text
    logged_in = konstruct("login", "--email", email, "--password", password)
    assert logged_in.exit_code == 0, logged_in.output
    assert f"logged in as {email}" in logged_in.stdout
    assert konstruct("tenant", "list", KONSTRUCT_MASTER_KEY="sk-wrong").exit_code == 0

    assert konstruct("logout").exit_code == 0
    after = konstruct("tenant", "list", KONSTRUCT_MASTER_KEY="sk-wrong")
    assert after.exit_code == 1
    assert "(401 unauthorized)" in after.stderr


def test_slack_simulate_prints_what_the_agent_posts_in_the_thread(
    konstruct: Konstruct,
    proxy: ProxyServer,
    simulated_slack: SimulatedSlack,
    providers: list[Any],
    fake_slack_session: SlackFake,
) -> None:
    world = make_world(proxy, "Simco")
    # The suite's proxy checks new connections' tokens with auth.test at the suite's fake
    # Slack, not at the port `slack simulate` serves (with `make up` both read one .env):
    # the workspace is connected first, with a token that fake issued, and simulate uses it.
    team = simulated_team(world.id)
    token = f"xoxb-simco-{uuid.uuid4().hex}"
    fake_slack_session.install_workspace(team, token, bot_user_id=SIMULATED_BOT)
    with proxy.admin() as admin:
        made = admin.post(
            f"/admin/tenants/{world.id}/slack-connections",
            json={"workspace_id": team, "bot_token": token, "bot_user_id": SIMULATED_BOT},
        )
        assert made.status_code == 201, made.text
    slack_env = {
        "KONSTRUCT_BRIDGE_URL": simulated_slack.bridge.url,
        "SLACK_API_URL": simulated_slack.api_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    ran = konstruct(
        "slack", "simulate", "--tenant", world.slug, "--verbose",
        "What are your hours?", "And on Sundays?", **slack_env,
    )  # fmt: skip
    assert ran.exit_code == 0, ran.output
    replies = [line for line in ran.stdout.splitlines() if line.startswith("Ada> ")]
    assert replies == [f"Ada> {REPLY}", f"Ada> {REPLY}"], ran.stdout
    # --verbose shows the Web API calls: a native stream, or the "Thinking..." placeholder.
    assert re.search(r"slack ← chat\.(startStream|postMessage: Thinking\.\.\.)", ran.stdout)
    sent = user_messages(providers)
    # The follow-up came without a mention, in the agent's thread, with the thread's history.
    assert "What are your hours?" in sent
    assert "And on Sundays?" in sent

    with httpx.Client(
        base_url=proxy.url, headers={"Authorization": f"Bearer {proxy.master_key}"}
    ) as api:
        [connection] = api.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"]
    assert connection["channel_agents"] == {"CSIMULATED": world.agent["id"]}

    as_json = konstruct("slack", "simulate", "-t", world.slug, "--json", "Hello?", **slack_env)
    [exchange] = json.loads(as_json.stdout)
    assert exchange["outcome"] == "answered"
    assert exchange["replies"] == [REPLY]


def test_slack_simulate_says_how_to_point_the_bridge_at_it(konstruct: Konstruct) -> None:
    real = konstruct(
        "slack", "simulate", "--tenant", "any", "hi",
        SLACK_API_URL="https://slack.com/api/", SLACK_SIGNING_SECRET="x",
    )  # fmt: skip
    assert real.exit_code == 1
    assert "Set SLACK_API_URL=http://127.0.0.1:3011/api/ in .env" in real.stderr
    unsigned = konstruct("slack", "simulate", "--tenant", "any", "hi", SLACK_SIGNING_SECRET="")
    assert unsigned.exit_code == 1
    assert "SLACK_SIGNING_SECRET is empty" in unsigned.stderr


def test_slack_connect_prints_the_install_link_or_connects_by_hand(
    konstruct: Konstruct, proxy: ProxyServer, fake_slack_session: SlackFake
) -> None:
    world = make_world(proxy, "Connecto")
    link = konstruct("slack", "connect", "--tenant", world.slug, "--json")
    assert link.exit_code == 0, link.output
    assert "/slack/install?state=" in json.loads(link.stdout)["url"]

    # The proxy checks a typed-in token with auth.test: one Slack never issued is refused
    # in words, and nothing is connected.
    team = f"TCLI{uuid.uuid4().hex[:8].upper()}"
    made_up = f"xoxb-made-up-{uuid.uuid4().hex}"
    refused = konstruct(
        "slack", "connect", "-t", world.slug, "--workspace-id", team,
        "--bot-user-id", "UCLIBOT", "--agent", world.agent["slug"], "--json",
        input=f"{made_up}\n",
    )  # fmt: skip
    assert refused.exit_code == 1, refused.output
    assert "Slack refused this bot token (invalid_auth)" in refused.stderr
    assert made_up not in refused.output
    assert [c.token for c in fake_slack_session.calls("auth.test")][-1] == made_up
    with proxy.admin() as admin:
        listed = admin.get(f"/admin/tenants/{world.id}/slack-connections")
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []

    # A token the (fake) Slack issued for the workspace connects it.
    token = f"xoxb-connecto-{uuid.uuid4().hex}"
    fake_slack_session.install_workspace(team, token, bot_user_id="UCLIBOT")
    made = konstruct(
        "slack", "connect", "-t", world.slug, "--workspace-id", team,
        "--bot-user-id", "UCLIBOT", "--agent", world.agent["slug"], "--json",
        input=f"{token}\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert token not in made.stdout
    connection = json.loads(made.stdout)
    assert connection["workspace_id"] == team
    assert connection["default_agent_id"] == world.agent["id"]


def test_doctor_on_the_default_setup_says_the_local_model_serves_every_group(
    konstruct: Konstruct, simulated_slack: SimulatedSlack, fake_slack: SlackFake
) -> None:
    # No provider key at all, as .env.example leaves it; everything else up and answering.
    setup = {
        "OLLAMA_BASE_URL": "",
        "OPENAI_API_KEY": "",
        "ANTHROPIC_API_KEY": "",
        "KONSTRUCT_BRIDGE_URL": simulated_slack.bridge.url,
        "SLACK_API_URL": fake_slack.api_url,
        "AUTH_SECRET": "a-portal-secret-of-this-machine-only",
    }
    with OpenAIFake(models=[LOCAL_MODEL_ALIAS]) as local_model:
        port = str(local_model.port)
        shown = konstruct("doctor", LOCAL_MODEL_PORT=port, **setup)
        findings = json.loads(konstruct("doctor", "--json", LOCAL_MODEL_PORT=port, **setup).stdout)
    assert shown.exit_code == 0, shown.stdout
    assert "no model provider is configured" not in shown.stdout
    lines = shown.stdout.splitlines()
    local = f"the local model {LOCAL_MODEL_ALIAS} (no provider is configured)"
    assert f"ok   konstruct-fast: {local}" in lines
    assert f"ok   konstruct-quality: {local}, then konstruct-fast" in lines
    url = f"http://127.0.0.1:{port}/v1"
    assert f"ok   local model: {LOCAL_MODEL_ALIAS} answers at {url}" in lines
    assert [f["status"] for f in findings if f["status"] == "fail"] == []

    # The local model server is not running: that fails, with how to start it.
    down = konstruct("doctor", "--json", LOCAL_MODEL_PORT=str(free_port()), **setup)
    assert down.exit_code == 1
    [failed] = [f for f in json.loads(down.stdout) if f["status"] == "fail"]
    assert failed["check"] == "local model"
    assert "not reachable" in failed["detail"]
    assert "`make up`" in failed["fix"]


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("│").split("│")]


async def test_usage_shows_money_as_plain_decimals(
    konstruct: Konstruct, proxy: ProxyServer, owner_db: Database
) -> None:
    world = make_world(proxy, "Cents")
    with proxy.admin() as admin:
        limits = admin.put(f"/admin/tenants/{world.id}/limits", json={"monthly_budget_usd": "25"})
        assert limits.status_code == 200, limits.text
    # The local model's calls cost nothing; the API writes that zero as 0E-8.
    await spend(owner_db, world.id, "0")
    free = konstruct("usage", "--tenant", world.slug)
    assert free.exit_code == 0, free.output
    assert "E-" not in free.stdout
    assert cells(table_rows(free.stdout)[0]) == ["1", "1", "1", "0.00"]
    assert "budget: 0.00 USD spent this month of 25.00 (0%)" in free.stdout

    await spend(owner_db, world.id, "0.000123")
    tiny = konstruct("usage", "--tenant", world.slug)
    assert cells(table_rows(tiny.stdout)[0]) == ["2", "2", "2", "0.000123"]
    assert "budget: 0.000123 USD spent this month of 25.00 (0%)" in tiny.stdout


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


class Terminal:
    """A process whose stdin, stdout and stderr are a pseudo-terminal, and what it showed
    there, piece by piece, with when each piece came."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        primary, secondary = pty.openpty()
        self.proc = subprocess.Popen(
            argv, stdin=secondary, stdout=secondary, stderr=secondary, env=env
        )
        os.close(secondary)
        self.fd = primary
        self.pieces: list[tuple[float, str]] = []

    def shown(self, upto: int | None = None) -> str:
        return ANSI.sub("", "".join(text for _, text in self.pieces[:upto]))

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.shown():
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never shown; the terminal shows {self.shown()[-600:]!r}"
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.1))
            if ready:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:  # the process has exited and closed its end
                    data = b""
                if data:
                    self.pieces.append((time.monotonic(), data.decode(errors="replace")))

    def when_shown(self, text: str) -> float:
        """When `text` was first on the terminal."""
        return next(t for n, (t, _) in enumerate(self.pieces) if text in self.shown(n + 1))

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, failed: type[BaseException] | None, *_: object) -> None:
        if failed is not None or self.proc.poll() is None:
            self.proc.kill()  # a test that failed midway leaves it waiting for input
        self.proc.wait(timeout=60)
        os.close(self.fd)


def test_chat_on_a_terminal_shows_the_wait_then_streams_the_answer(
    konstruct: Konstruct, proxy: ProxyServer, providers: list[Any]
) -> None:
    world = make_world(proxy, "Patient")
    for fake in providers:
        # 1.5 s before the first word, then four pieces 0.6 s apart.
        fake.configure(delay_seconds=1.5, stream_chunks=4, stream_chunk_delay=0.6)
    argv = konstruct.argv("chat", "--tenant", world.slug)
    with Terminal(argv, konstruct.process_env(TERM="xterm-256color")) as terminal:
        terminal.wait_for("you>")
        terminal.press("What are your hours?\n")
        terminal.wait_for(REPLY)
        terminal.press("\x04")  # Ctrl-D: the end of the conversation
        code = terminal.proc.wait(timeout=60)
    assert code == 0, terminal.shown()
    shown = terminal.shown()
    waited = {float(s) for s in re.findall(r"thinking… (\d+\.\d) s", shown)}
    # The wait is counted as it goes, and it ends when the answer starts.
    assert len(waited) >= 3, shown
    assert max(waited) >= 1.0, shown
    assert shown.rindex("thinking…") < shown.index(f"Ada> {REPLY[:9]}")
    # Streamed: the first words were on screen well before the last one arrived.
    assert terminal.when_shown("provider.") - terminal.when_shown("Our hours") >= 1.0
