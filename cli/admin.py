"""Operator commands over the admin API: login, tenants, agents, keys, Slack connections, usage,
operators (invitations, password), the audit log."""

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
agent_app = typer.Typer(help="Create, change and list a tenant's agents.", no_args_is_help=True)
key_app = typer.Typer(help="Issue, list and revoke tenant keys.", no_args_is_help=True)
slack_app = typer.Typer(help="Connect Slack, or try the Slack path locally.", no_args_is_help=True)
operator_app = typer.Typer(
    help="Invite operators, reset their passwords, change your own.", no_args_is_help=True
)

TENANT_FIELDS = ("id", "slug", "name", "status", "created_at")
AGENT_FIELDS = ("id", "slug", "name", "role", "model_tier", "is_default", "is_active")
KEY_FIELDS = ("id", "name", "prefix", "rpm_limit", "tpm_limit", "expires_at", "revoked_at")


JOB_DESCRIPTION_HELP = "What the agent is hired to do (fenced into its system prompt)."
STATEMENT_OF_WORK_HELP = "The work the agent delivers, and its limits."
JobDescriptionOption = Annotated[str, typer.Option(help=JOB_DESCRIPTION_HELP)]
StatementOfWorkOption = Annotated[str, typer.Option(help=STATEMENT_OF_WORK_HELP)]
MaxToolStepsOption = Annotated[
    int | None, typer.Option(help="Model calls that may use tools in one turn (1-50; 8).")
]
TurnDeadlineOption = Annotated[
    int | None, typer.Option(help="Seconds one turn may take in all (5-600; 90).")
]
ApproverOption = Annotated[
    list[str] | None,
    typer.Option(help="Slack user id who may approve 'ask first' tools (repeatable)."),
]


def _turn_fields(
    max_tool_steps: int | None, turn_deadline: int | None, approvers: list[str] | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if max_tool_steps is not None:
        fields["max_tool_steps"] = max_tool_steps
    if turn_deadline is not None:
        fields["turn_deadline_seconds"] = turn_deadline
    if approvers is not None:
        fields["approver_ids"] = approvers
    return fields


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
    budget: Annotated[
        str | None, typer.Option(help="Monthly budget in USD from the start, e.g. 250.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a tenant (optionally with its monthly budget)."""
    body: dict[str, Any] = {"name": name, "slug": slug or slugify(name)}
    if budget is not None:
        body["monthly_budget_usd"] = budget
    with AdminAPI(settings(ctx)) as api:
        tenant = api.post("/admin/tenants", body)
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
    sort: Annotated[
        str,
        typer.Option(help="name, slug, created_at, status, agents, spend or last_activity."),
    ] = "name",
    desc: Annotated[bool, typer.Option("--desc", help="Largest or newest first.")] = False,
    limit: Annotated[int, typer.Option(help="Tenants per page (at most 200).")] = 25,
    page: Annotated[int, typer.Option(help="Which page, from 1.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """List tenants with their figures, sorted and paged (a tenant admin sees its own)."""
    with AdminAPI(settings(ctx)) as api:
        answer = api.get(
            "/admin/tenants",
            q=query,
            status=status,
            sort=sort,
            order="desc" if desc else "asc",
            limit=limit,
            offset=(max(page, 1) - 1) * limit,
        )
    tenants = answer["items"]
    if as_json:
        print_json(tenants)
        return
    rows = [
        (
            t["slug"],
            t["name"],
            t["status"],
            t["stats"]["agents"],
            t["stats"]["slack_status"] or "-",
            money(t["stats"]["spend_this_month_usd"])
            + (
                f" / {money(t['stats']['monthly_budget_usd'])}"
                if t["stats"]["monthly_budget_usd"] is not None
                else ""
            ),
            day(t["stats"]["last_activity_at"]) if t["stats"]["last_activity_at"] else "never",
            short_id(t["id"]),
        )
        for t in tenants
    ]
    first = answer["offset"] + 1 if tenants else 0
    title = f"Tenants {first}-{answer['offset'] + len(tenants)} of {answer['total']}"
    table(
        title,
        ["slug", "name", "status", "agents", "slack", "spend (USD)", "last activity", "id"],
        rows,
    )


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
    job_description: JobDescriptionOption = "",
    statement_of_work: StatementOfWorkOption = "",
    max_tool_steps: MaxToolStepsOption = None,
    turn_deadline: TurnDeadlineOption = None,
    approver: ApproverOption = None,
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
        "job_description": job_description,
        "statement_of_work": statement_of_work,
        "model_tier": tier,
        "is_default": default,
    }
    body.update(_turn_fields(max_tool_steps, turn_deadline, approver))
    if slug:
        body["slug"] = slug
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        agent = api.post(f"/admin/tenants/{found['id']}/agents", body)
    if as_json:
        print_json(agent)
    else:
        record(agent, AGENT_FIELDS)


@agent_app.command("update")
@friendly
def agent_update(
    ctx: typer.Context,
    tenant: TenantOption,
    agent: Annotated[str, typer.Argument(help="The agent's slug or id (or its beginning).")],
    role: Annotated[str | None, typer.Option(help="Job title.")] = None,
    persona: Annotated[str | None, typer.Option(help="How the agent speaks.")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="Extra instructions.")] = None,
    job_description: Annotated[str | None, typer.Option(help=JOB_DESCRIPTION_HELP)] = None,
    statement_of_work: Annotated[str | None, typer.Option(help=STATEMENT_OF_WORK_HELP)] = None,
    max_tool_steps: MaxToolStepsOption = None,
    turn_deadline: TurnDeadlineOption = None,
    approver: ApproverOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change an agent's Designer fields; only the options given change."""
    given = {
        "role": role,
        "persona": persona,
        "system_prompt": system_prompt,
        "job_description": job_description,
        "statement_of_work": statement_of_work,
    }
    body: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    body.update(_turn_fields(max_tool_steps, turn_deadline, approver))
    if not body:
        raise CliError("Nothing to change: give at least one option (see --help).")
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        current = api.agent(found["id"], agent)
        changed = api.patch(f"/admin/tenants/{found['id']}/agents/{current['id']}", body)
    if as_json:
        print_json(changed)
    else:
        record(changed, (*AGENT_FIELDS, "max_tool_steps", "turn_deadline_seconds"))


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
    start: Annotated[
        str | None, typer.Option(help="First day (YYYY-MM-DD, UTC) instead of --days.")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="Last day (YYYY-MM-DD); today if left out.")
    ] = None,
    key: Annotated[str | None, typer.Option(help="Only this key's calls (its id).")] = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV: one line per day, model, agent, key.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A tenant's calls, tokens, cost and latency, by model, agent and key, with its budget."""
    span: dict[str, Any] = {"start": start, "end": end} if start else {"days": days, "end": end}
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        base = f"/admin/tenants/{found['id']}/usage"
        if csv:
            typer.echo(api.text(f"{base}/export.csv", **span, key_id=key), nl=False)
            return
        figures = api.get(base, **span, key_id=key)
    if as_json:
        print_json(figures)
        return
    days = len(figures["by_day"])
    columns = ["calls", "prompt tokens", "completion tokens", "cost (USD)"]

    def numbers(row: dict[str, Any]) -> list[Any]:
        return [
            row["calls"],
            row["prompt_tokens"],
            row["completion_tokens"],
            money(row["cost_usd"]),
        ]

    period = f"{figures['start']} to {figures['end']} ({days} days)"
    table(f"Usage of {found['slug']}, {period}", columns, [numbers(figures["totals"])])
    if figures["by_model"]:
        rows = [[m["model_group"], m["model"], *numbers(m)] for m in figures["by_model"]]
        table("By model", ["group", "model", *columns], rows)
    if figures["by_agent"]:
        rows = [[a["agent_name"] or "(no agent)", *numbers(a)] for a in figures["by_agent"]]
        table("By agent", ["agent", *columns], rows)
    if figures["by_key"]:
        rows = [[k["key_name"] or "(no key)", *numbers(k)] for k in figures["by_key"]]
        table("By key", ["key", *columns], rows)
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


@operator_app.command("invite")
@friendly
def operator_invite(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Who to invite.")],
    tenant: Annotated[
        str | None, typer.Option("--tenant", "-t", help="Tenant admin of this tenant.")
    ] = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="A platform admin (every tenant) instead.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Invite an operator: a one-time link (7 days) where they choose their own password."""
    if platform == (tenant is not None):
        raise CliError("give either --tenant or --platform")
    with AdminAPI(settings(ctx)) as api:
        body: dict[str, Any] = {"email": email, "role": "platform_admin"}
        if tenant is not None:
            body = {"email": email, "role": "tenant_admin", "tenant_id": api.tenant(tenant)["id"]}
        issued = api.post("/admin/operators/invitations", body)
    _print_link(issued, as_json)


@operator_app.command("reset-password")
@friendly
def operator_reset(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Whose password to reset.")],
    as_json: JsonOption = False,
) -> None:
    """Reset an operator's password: it and their sessions end; a link (1 day) sets a new one."""
    with AdminAPI(settings(ctx)) as api:
        found = next(
            (o for o in api.get("/admin/operators")["items"] if o["email"] == email.lower()), None
        )
        if found is None:
            raise CliError(f"no operator {email}")
        issued = api.post(f"/admin/operators/{found['id']}/password-reset")
    _print_link(issued, as_json)


def _print_link(issued: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(issued)
        return
    console.print(
        escape(
            f"send {issued['email']} this link privately"
            f" (works once, until {issued['expires_at']}):"
        )
    )
    typer.echo(f"<portal address>/invite#{issued['token']}")


@operator_app.command("password")
@friendly
def operator_password(ctx: typer.Context) -> None:
    """Change your own password; every other session of yours ends, this one continues."""
    config = settings(ctx)
    # On stderr and never echoed: a password is never an argument.
    current = typer.prompt("current password", hide_input=True, err=True)
    new = typer.prompt("new password", hide_input=True, confirmation_prompt=True, err=True)
    with AdminAPI(config) as api:
        if not api.credential.source.startswith("operator session"):
            raise CliError("log in as an operator first (konstruct login)")
        answer = api.post("/admin/me/password", {"current_password": current, "new_password": new})
    expires = datetime.fromisoformat(answer["expires_at"]).timestamp()
    save_session(config, answer["token"], expires, answer["operator"]["email"])
    console.print("password changed; your other sessions have ended")


@friendly
def audit(
    ctx: typer.Context,
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", "-t", help="A tenant's log; the platform's if left out."),
    ] = None,
    action: Annotated[
        str | None, typer.Option(help='One action, or a family ending in ".": "agent."')
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Only this operator's changes.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Search.")] = None,
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD, UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD, UTC).")] = None,
    limit: Annotated[int, typer.Option(help="Entries per page (at most 200).")] = 50,
    page: Annotated[int, typer.Option(help="Which page, from 1.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Who did what, newest first: a tenant's audit log or the platform's."""
    filters = {"action": action, "actor": actor, "q": query, "since": since, "until": until}
    with AdminAPI(settings(ctx)) as api:
        path = f"/admin/tenants/{api.tenant(tenant)['id']}/audit" if tenant else "/admin/audit"
        answer = api.get(path, **filters, limit=limit, offset=(max(page, 1) - 1) * limit)
    if as_json:
        print_json(answer["items"])
        return
    rows = [
        (e["created_at"][:19].replace("T", " "), e["actor"], e["action"], e["target"])
        for e in answer["items"]
    ]
    first = answer["offset"] + 1 if rows else 0
    table(
        f"Audit {first}-{answer['offset'] + len(rows)} of {answer['total']}",
        ["when (UTC)", "who", "action", "target"],
        rows,
    )
