"""Operator commands over the admin API: login, tenants, agents, keys, Slack connections, usage."""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.api import AdminAPI, CliError, by_id_prefix, save_session, session_path
from cli.output import (
    JsonOption,
    TenantOption,
    console,
    day,
    friendly,
    money,
    print_json,
    record,
    settings,
    short_id,
    table,
)

tenant_app = typer.Typer(help="Create, list, suspend and resume tenants.", no_args_is_help=True)
agent_app = typer.Typer(help="Create and list a tenant's agents.", no_args_is_help=True)
key_app = typer.Typer(help="Issue, list and revoke tenant keys.", no_args_is_help=True)
slack_app = typer.Typer(help="Connect Slack, or try the Slack path locally.", no_args_is_help=True)

TENANT_FIELDS = ("id", "slug", "name", "status", "created_at")
AGENT_FIELDS = ("id", "slug", "name", "role", "model_tier", "is_default", "is_active")
KEY_FIELDS = ("id", "name", "prefix", "rpm_limit", "tpm_limit", "expires_at", "revoked_at")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")


@friendly
def login(
    ctx: typer.Context,
    email: Annotated[str, typer.Option(prompt=True, help="Operator email.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="Password.")],
) -> None:
    """Log in as an operator; later commands use this session instead of the master key."""
    config = settings(ctx)
    with AdminAPI(config, token="") as api:
        answer = api.post("/admin/auth/login", {"email": email, "password": password})
    expires = datetime.fromisoformat(answer["expires_at"]).timestamp()
    path = save_session(config, answer["token"], expires, email)
    operator = answer["operator"]
    console.print(
        escape(f"logged in as {operator['email']} ({operator['role']}); session in {path}")
    )


@friendly
def logout(ctx: typer.Context) -> None:
    """End the operator session (every token of this operator stops working)."""
    config = settings(ctx)
    path = session_path(config)
    with AdminAPI(config) as api:
        if api.credential.source.startswith("operator session"):
            api.request("POST", "/admin/auth/logout")
    path.unlink(missing_ok=True)
    console.print("logged out")


@tenant_app.command("create")
@friendly
def tenant_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The business's name.")],
    slug: Annotated[
        str | None, typer.Option(help="URL-safe id; made from the name if left out.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a tenant."""
    with AdminAPI(settings(ctx)) as api:
        tenant = api.post("/admin/tenants", {"name": name, "slug": slug or slugify(name)})
    if as_json:
        print_json(tenant)
    else:
        record(tenant, TENANT_FIELDS)


@tenant_app.command("list")
@friendly
def tenant_list(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Name or slug contains.")
    ] = None,
    status: Annotated[str | None, typer.Option(help="active or suspended.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List tenants (a tenant admin sees its own)."""
    with AdminAPI(settings(ctx)) as api:
        tenants = api.get("/admin/tenants", q=query, status=status)["items"]
    if as_json:
        print_json(tenants)
        return
    rows = [
        (t["slug"], t["name"], t["status"], short_id(t["id"]), day(t["created_at"]))
        for t in tenants
    ]
    table("Tenants", ["slug", "name", "status", "id", "created"], rows)


def _set_status(ctx: typer.Context, tenant: str, action: str, as_json: bool) -> None:
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        changed = api.post(f"/admin/tenants/{found['id']}/{action}")
    if as_json:
        print_json(changed)
    else:
        console.print(escape(f"tenant {changed['slug']} is now {changed['status']}"))


@tenant_app.command("suspend")
@friendly
def tenant_suspend(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Argument(help="Tenant slug, id or the id's beginning.")],
    as_json: JsonOption = False,
) -> None:
    """Suspend a tenant: its keys and Slack workspaces stop being served."""
    _set_status(ctx, tenant, "suspend", as_json)


@tenant_app.command("resume")
@friendly
def tenant_resume(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Argument(help="Tenant slug, id or the id's beginning.")],
    as_json: JsonOption = False,
) -> None:
    """Resume a suspended tenant."""
    _set_status(ctx, tenant, "resume", as_json)


@agent_app.command("create")
@friendly
def agent_create(
    ctx: typer.Context,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="The agent's human-like name, e.g. Ada.")],
    role: Annotated[str, typer.Option(help="Job title, e.g. 'Support lead'.")] = "",
    persona: Annotated[str, typer.Option(help="How the agent speaks and what it knows.")] = "",
    system_prompt: Annotated[str, typer.Option(help="Extra instructions.")] = "",
    tier: Annotated[str, typer.Option(help="Model tier: fast or quality.")] = "fast",
    slug: Annotated[str | None, typer.Option(help="Made from the name if left out.")] = None,
    default: Annotated[bool, typer.Option("--default", help="The tenant's default agent.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create an agent for a tenant."""
    body: dict[str, Any] = {
        "name": name,
        "role": role,
        "persona": persona,
        "system_prompt": system_prompt,
        "model_tier": tier,
        "is_default": default,
    }
    if slug:
        body["slug"] = slug
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        agent = api.post(f"/admin/tenants/{found['id']}/agents", body)
    if as_json:
        print_json(agent)
    else:
        record(agent, AGENT_FIELDS)


@agent_app.command("list")
@friendly
def agent_list(ctx: typer.Context, tenant: TenantOption, as_json: JsonOption = False) -> None:
    """List a tenant's agents."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        agents = api.get(f"/admin/tenants/{found['id']}/agents")["items"]
    if as_json:
        print_json(agents)
        return
    rows = [[short_id(a["id"]), *(a[field] for field in AGENT_FIELDS[1:])] for a in agents]
    table(f"Agents of {found['slug']}", AGENT_FIELDS, rows)


@key_app.command("issue")
@friendly
def key_issue(
    ctx: typer.Context,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'billing app'.")],
    rpm: Annotated[
        int | None, typer.Option(help="Requests per minute (tenant default if unset).")
    ] = None,
    tpm: Annotated[
        int | None, typer.Option(help="Tokens per minute (tenant default if unset).")
    ] = None,
    expires_in_days: Annotated[
        int | None, typer.Option(help="Expire after this many days.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a tenant key for the OpenAI-compatible gateway. The secret is shown once."""
    body: dict[str, Any] = {"name": name, "rpm_limit": rpm, "tpm_limit": tpm}
    if expires_in_days is not None:
        body["expires_at"] = (datetime.now(UTC) + timedelta(days=expires_in_days)).isoformat()
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        key = api.post(f"/admin/tenants/{found['id']}/keys", body)
    if as_json:
        print_json(key)
        return
    record(key, (*KEY_FIELDS[:5], "expires_at"))
    console.print("secret (shown once, store it now):")
    # Plain output, no wrapping: the secret must copy as one line.
    typer.echo(key["secret"])


@key_app.command("list")
@friendly
def key_list(ctx: typer.Context, tenant: TenantOption, as_json: JsonOption = False) -> None:
    """List a tenant's keys (never their secrets)."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        keys = api.get(f"/admin/tenants/{found['id']}/keys")["items"]
    if as_json:
        print_json(keys)
        return
    rows = [
        (
            short_id(k["id"]),
            k["name"],
            k["prefix"],
            k["rpm_limit"],
            k["tpm_limit"],
            day(k["last_used_at"]),
            "revoked" if k["revoked_at"] else "active",
        )
        for k in keys
    ]
    table(
        f"Keys of {found['slug']}",
        ["id", "name", "prefix", "rpm", "tpm", "last used", "state"],
        rows,
    )


@key_app.command("revoke")
@friendly
def key_revoke(
    ctx: typer.Context,
    tenant: TenantOption,
    key: Annotated[
        str, typer.Argument(help="Key id (or its beginning, as `key list` shows it) or prefix.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Revoke a tenant key: it answers 401 from now on."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        keys = api.get(f"/admin/tenants/{found['id']}/keys")["items"]
        matches = [k for k in keys if key in (k["id"], k["prefix"])]
        if not matches and (prefixed := by_id_prefix(keys, key, "keys")) is not None:
            matches = [prefixed]
        if len(matches) != 1:
            raise CliError(
                f"no single key {key!r} for tenant {found['slug']} (see `konstruct key list`)"
            )
        revoked = api.post(f"/admin/tenants/{found['id']}/keys/{matches[0]['id']}/revoke")
    if as_json:
        print_json(revoked)
    else:
        shown = f"{revoked['prefix']} ({revoked['name']})"
        console.print(escape(f"key {shown} revoked at {day(revoked['revoked_at'])}"))


@slack_app.command("connect")
@friendly
def slack_connect(
    ctx: typer.Context,
    tenant: TenantOption,
    workspace_id: Annotated[
        str | None, typer.Option(help="Connect by hand: the workspace id (T…).")
    ] = None,
    bot_user_id: Annotated[
        str | None, typer.Option(help="With --workspace-id: the bot user (U…).")
    ] = None,
    workspace_name: Annotated[str, typer.Option(help="With --workspace-id: a display name.")] = "",
    agent: Annotated[
        str | None, typer.Option("--agent", "-a", help="Default agent (slug or id).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Connect a Slack workspace to a tenant.

    Without --workspace-id: print the one-time "Add to Slack" link (valid ten minutes).
    With it: connect by hand with the app's bot token, asked for without echo.
    """
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        base = f"/admin/tenants/{found['id']}"
        if workspace_id is None:
            link = api.post(f"{base}/slack-install-link")
            if as_json:
                print_json(link)
            else:
                console.print("Open this link (valid ten minutes) and approve the app:")
                typer.echo(link["url"])
            return
        if bot_user_id is None:
            raise CliError("--bot-user-id is required with --workspace-id")
        # On stderr, so `--json` output stays pure JSON; never echoed, never an argument.
        token = typer.prompt("bot token (xoxb-…)", hide_input=True, err=True)
        body: dict[str, Any] = {
            "workspace_id": workspace_id,
            "workspace_name": workspace_name,
            "bot_token": token,
            "bot_user_id": bot_user_id,
        }
        if agent is not None:
            body["default_agent_id"] = api.agent(found["id"], agent)["id"]
        connection = api.post(f"{base}/slack-connections", body)
    if as_json:
        print_json(connection)
    else:
        record(
            connection,
            ("id", "workspace_id", "workspace_name", "bot_user_id", "default_agent_id", "status"),
        )


@friendly
def usage(
    ctx: typer.Context,
    tenant: TenantOption,
    days: Annotated[int, typer.Option(help="How many days back.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """A tenant's tokens, calls and cost, by model and by agent, with its budget."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        figures = api.get(f"/admin/tenants/{found['id']}/usage", days=days)
    if as_json:
        print_json(figures)
        return
    columns = ["calls", "prompt tokens", "completion tokens", "cost (USD)"]

    def numbers(row: dict[str, Any]) -> list[Any]:
        return [
            row["calls"],
            row["prompt_tokens"],
            row["completion_tokens"],
            money(row["cost_usd"]),
        ]

    table(f"Usage of {found['slug']}, last {days} days", columns, [numbers(figures["totals"])])
    if figures["by_model"]:
        rows = [[m["model_group"], m["model"], *numbers(m)] for m in figures["by_model"]]
        table("By model", ["group", "model", *columns], rows)
    if figures["by_agent"]:
        rows = [[a["agent_name"] or "(no agent)", *numbers(a)] for a in figures["by_agent"]]
        table("By agent", ["agent", *columns], rows)
    budget = figures["budget"]
    limit = budget["monthly_budget_usd"]
    console.print(
        f"budget: {money(budget['spent_usd'])} USD spent this month"
        + (
            f" of {money(limit)} ({float(budget['share'] or 0):.0%})"
            if limit is not None
            else ", no budget set"
        )
    )
