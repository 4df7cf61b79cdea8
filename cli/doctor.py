"""`konstruct doctor`: is this machine's Konstruct set up right? Each finding comes with a fix.

Each check imports the client it needs (asyncpg, redis, httpx, the proxy's config) when it
runs, so that the rest of the CLI, `konstruct --help` included, does not load them.
"""

import ipaddress
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import typer
from rich.markup import escape

from cli.api import AdminAPI, CliError
from cli.output import JsonOption, console, env_file, print_json, settings

if TYPE_CHECKING:
    import ssl

    from cli.settings import Settings

Status = Literal["ok", "warn", "fail"]
TIMEOUT = 3.0
EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
# Secrets whose .env.example value is public: fine on a laptop, never where others can reach.
SECRETS = {
    "KONSTRUCT_MASTER_KEY": "a long random string, e.g. `openssl rand -hex 32` prefixed `sk-`",
    "KONSTRUCT_SECRET_KEY": (
        '`.venv/bin/python -c "from proxy.core.crypto import generate_key_spec as g; '
        "print(g('k1'))\"`"
    ),
    "KONSTRUCT_BRIDGE_KEY": "`openssl rand -hex 32`",
    "AUTH_SECRET": "`openssl rand -base64 32`",
}


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    detail: str
    fix: str = ""


def is_local(host: str | None) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def check_config(env_file: Path, env: dict[str, str]) -> list[Finding]:
    from dotenv import dotenv_values

    from proxy.core.crypto import SecretBox, SecretKeyError

    found: list[Finding] = []
    if env_file.is_file():
        found.append(Finding("config", "ok", f"{env_file} present"))
    else:
        found.append(
            Finding(
                "config",
                "warn",
                f"{env_file} not found: defaults and the environment only",
                "`cp .env.example .env` (make up does it too), then edit what you need",
            )
        )
    example = {k: v for k, v in dotenv_values(EXAMPLE).items() if v} if EXAMPLE.is_file() else {}
    public = not is_local(urlsplit(env.get("KONSTRUCT_BRIDGE_URL", "")).hostname)
    for name, how in SECRETS.items():
        # Unset, the proxy and bridge fall back to the example's values; the portal has none.
        value = env.get(name) or ("" if name == "AUTH_SECRET" else example.get(name, ""))
        if not value:
            found.append(Finding(name, "fail", "not set", f"set {name} in .env to {how}"))
        elif value == example.get(name):
            # The example's value is published: harmless on loopback, an open door otherwise.
            found.append(
                Finding(
                    name,
                    "fail" if public else "warn",
                    "the public example value"
                    + (" while the bridge is reachable from outside" if public else ""),
                    f"set {name} in .env to {how} before anyone else can reach this machine",
                )
            )
        else:
            found.append(Finding(name, "ok", "set"))
    if env.get("KONSTRUCT_SECRET_KEY"):
        try:
            SecretBox.from_spec(env["KONSTRUCT_SECRET_KEY"])
        except SecretKeyError as error:
            fix = f"set it to {SECRETS['KONSTRUCT_SECRET_KEY']}"
            found.append(Finding("KONSTRUCT_SECRET_KEY", "fail", str(error), fix))
    return found


async def _postgres(url: str) -> None:
    import asyncpg

    from policies.tls import postgres_connection

    # The same TLS arguments the proxy derives from the URL's sslmode.
    plain, tls = postgres_connection(url.replace("postgresql+asyncpg://", "postgresql://"))
    conn = await asyncpg.connect(plain, timeout=TIMEOUT, **tls)
    await conn.close()


def check_postgres(name: str, url: str) -> Finding:
    import asyncio

    import asyncpg

    where = urlsplit(url)
    shown = f"{where.hostname}:{where.port or 5432}{where.path}"
    try:
        asyncio.run(_postgres(url))
    except ValueError as error:
        return Finding(name, "fail", str(error), f"fix the sslmode in {name}")
    except asyncpg.InvalidCatalogNameError:
        return Finding(
            name, "fail", f"database {where.path.lstrip('/')} does not exist", "`make migrate`"
        )
    except asyncpg.InvalidAuthorizationSpecificationError as error:
        return Finding(
            name,
            "fail",
            f"login refused at {shown}: {error}",
            f"check the role in {name}; `make migrate` creates the app role",
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return Finding(
            name,
            "fail",
            f"Postgres not reachable at {shown} ({type(error).__name__})",
            "start it (`pg_ctlcluster --skip-systemctl-redirect 15 main start`) "
            f"or point {name} at a running server",
        )
    return Finding(name, "ok", f"connected to {shown}")


def check_redis(url: str) -> Finding:
    import redis

    from policies.tls import redis_url as tls_redis_url

    where = urlsplit(url)
    shown = f"{where.hostname}:{where.port or 6379}{where.path}"
    try:
        client = redis.Redis.from_url(
            tls_redis_url(url), socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        client.ping()
        client.close()
    except redis.RedisError as error:
        return Finding(
            "REDIS_URL",
            "fail",
            f"Redis not reachable at {shown} ({type(error).__name__})",
            "start it (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`) "
            "or point REDIS_URL at a running server",
        )
    return Finding("REDIS_URL", "ok", f"PONG from {shown}")


def check_tls(config: "Settings", env: dict[str, str]) -> list[Finding]:
    """The proxy's and bridge's certificate when they serve HTTPS, and clear text leaving
    this machine."""
    import ssl

    from policies.tls import client_context, uvicorn_options

    found = []
    cert, key = env.get("KONSTRUCT_TLS_CERT_FILE", ""), env.get("KONSTRUCT_TLS_KEY_FILE", "")
    ca = config.konstruct_tls_ca_file
    try:
        serving = bool(uvicorn_options(cert, key))
        if serving:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        if ca:
            client_context(ca)
    except (ValueError, OSError, ssl.SSLError) as error:
        found.append(
            Finding(
                "TLS files",
                "fail",
                str(error),
                "`make certs` makes a local CA and certificate; or fix KONSTRUCT_TLS_CERT_FILE, "
                "KONSTRUCT_TLS_KEY_FILE, KONSTRUCT_TLS_CA_FILE",
            )
        )
        serving = False
    else:
        if serving:
            found.append(Finding("TLS files", "ok", f"proxy and bridge serve HTTPS with {cert}"))
    urls = {
        name: env[name]
        for name in ("KONSTRUCT_PROXY_URL", "KONSTRUCT_BRIDGE_URL", "DATABASE_URL", "REDIS_URL")
        if env.get(name)
    }
    for name, url in urls.items():
        where = urlsplit(url)
        if serving and name in ("KONSTRUCT_PROXY_URL", "KONSTRUCT_BRIDGE_URL"):
            if where.scheme != "https":
                found.append(
                    Finding(
                        f"TLS {name}",
                        "warn",
                        "HTTPS is served but this URL says http",
                        "use https://",
                    )
                )
            continue
        encrypted = where.scheme in ("https", "rediss") or "sslmode=verify-full" in where.query
        if not encrypted and not is_local(where.hostname):
            fix = {
                "REDIS_URL": "use rediss://",
                "DATABASE_URL": "add ?sslmode=verify-full&sslrootcert=<CA file>",
            }.get(name, "set KONSTRUCT_TLS_CERT_FILE and KONSTRUCT_TLS_KEY_FILE, and use https://")
            found.append(
                Finding(f"TLS {name}", "warn", f"plain {where.scheme} to {where.hostname}", fix)
            )
    if not found:
        found.append(Finding("TLS", "ok", "off, and every service is on this machine"))
    return found


def check_providers(config: "Settings", env: dict[str, str]) -> list[Finding]:
    """Which deployments each model group would route to, as the proxy resolves them: with
    no provider configured, the local model that `make up` serves, and whether it answers."""
    import yaml

    from proxy.gateway.config import LOCAL_MODEL_ALIAS, SOURCE, needs_local_model, resolve

    logging.getLogger("konstruct.config").setLevel(logging.ERROR)
    # As proxy/core/settings.py's local_model_url: the local model listens on loopback only.
    local_url = f"http://127.0.0.1:{config.local_model_port}/v1"
    resolved = resolve(yaml.safe_load(SOURCE.read_text()), env, local_url)
    local = needs_local_model(env)
    served_locally = f"the local model {LOCAL_MODEL_ALIAS} (no provider is configured)"
    routes: dict[str, list[str]] = {}
    for deployment in resolved["model_list"]:
        routes.setdefault(deployment["model_name"], []).append(
            served_locally if local else str(deployment["litellm_params"]["model"])
        )
    fallbacks = {
        group: targets
        for entry in resolved["router_settings"]["fallbacks"]
        for group, targets in entry.items()
    }
    found = [
        Finding(
            group,
            "ok",
            " → ".join(models)
            + (f", then {', '.join(fallbacks[group])}" if fallbacks.get(group) else ""),
        )
        for group, models in sorted(routes.items())
    ]
    if local:
        found.append(check_local_model(local_url, LOCAL_MODEL_ALIAS))
    return found


def check_local_model(url: str, alias: str) -> Finding:
    """The local model server's model list: quick when it is idle. It answers only between
    two completions, so a timeout means busy, not broken."""
    import httpx

    fix = (
        "start it: `make up` (or `.venv/bin/python -m proxy.local_model`); or set "
        "OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_BASE_URL in .env to use a provider"
    )
    try:
        response = httpx.get(f"{url}/models", timeout=TIMEOUT)
    except httpx.TimeoutException:
        return Finding(
            "local model",
            "warn",
            f"{url} did not answer within {TIMEOUT:.0f} s: busy with a completion, or stuck",
            "run doctor again; if it stays silent, restart `make up`",
        )
    except httpx.HTTPError as error:
        return Finding("local model", "fail", f"{url} not reachable ({type(error).__name__})", fix)
    try:
        served = [str(model.get("id")) for model in response.json()["data"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        served = []
    if response.status_code != 200 or alias not in served:
        return Finding(
            "local model",
            "fail",
            f"{url}/models answered {response.status_code} without {alias}: "
            "another program holds LOCAL_MODEL_PORT?",
            f"free the port or set LOCAL_MODEL_PORT; then {fix}",
        )
    return Finding("local model", "ok", f"{alias} answers at {url}")


def check_health(name: str, url: str, fix: str, verify: "ssl.SSLContext | bool") -> Finding:
    import httpx

    try:
        response = httpx.get(f"{url.rstrip('/')}/healthz", timeout=TIMEOUT, verify=verify)
    except httpx.HTTPError as error:
        return Finding(name, "fail", f"{url} not reachable ({type(error).__name__})", fix)
    if response.status_code != 200:
        return Finding(
            name,
            "fail",
            f"{url}/healthz answered {response.status_code}: {response.text[:120]}",
            fix,
        )
    return Finding(name, "ok", f"{url} healthy")


def check_admin(config: "Settings") -> Finding:
    try:
        with AdminAPI(config) as api:
            operator = api.get("/admin/me")
            source = api.credential.source
    except CliError as error:
        return Finding(
            "admin API",
            "fail",
            str(error),
            "make KONSTRUCT_MASTER_KEY match the proxy's, or `konstruct login`",
        )
    return Finding(
        "admin API",
        "ok",
        f"{operator['role']} {operator.get('email') or ''} via {source}".replace("  ", " "),
    )


def check_slack(config: "Settings", env: dict[str, str]) -> Finding:
    import httpx

    url = config.slack_api_url
    configured = bool(env.get("SLACK_CLIENT_ID"))
    try:
        response = httpx.post(f"{url.rstrip('/')}/api.test", timeout=TIMEOUT)
        reachable = response.status_code == 200
        detail = f"{url} answered {response.status_code}"
    except httpx.HTTPError as error:
        reachable, detail = False, f"{url} not reachable ({type(error).__name__})"
    if reachable:
        return Finding("Slack API", "ok", f"{url} reachable")
    return Finding(
        "Slack API",
        "fail" if configured else "warn",
        detail,
        "check outbound HTTPS to slack.com (proxy, firewall) or SLACK_API_URL"
        if configured
        else "no Slack app configured: fine until you connect one (try `konstruct slack simulate`)",
    )


def run_checks(config: "Settings", env_file: Path) -> list[Finding]:
    from cli.settings import environment
    from policies.tls import http_verify

    env = environment(env_file)
    verify = http_verify(config.konstruct_tls_ca_file)
    proxy = check_health(
        "proxy", config.konstruct_proxy_url, "start it: `make up` (or `make proxy`)", verify
    )
    return [
        *check_config(env_file, env),
        check_postgres("DATABASE_URL", config.database_url),
        check_postgres("DATABASE_ADMIN_URL", config.database_admin_url),
        check_redis(config.redis_url),
        *check_tls(config, env),
        *check_providers(config, env),
        proxy,
        # The admin API is worth asking only once the proxy answers at all.
        *([check_admin(config)] if proxy.status == "ok" else []),
        check_health(
            "bridge", config.konstruct_bridge_url, "start it: `make up` (or `make bridge`)", verify
        ),
        check_slack(config, env),
    ]


STYLE = {"ok": "[green]ok  [/green]", "warn": "[yellow]warn[/yellow]", "fail": "[red]FAIL[/red]"}


def doctor(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check settings, services, TLS, providers and Slack; exit 1 if anything fails."""
    findings = run_checks(settings(ctx), env_file(ctx))
    if as_json:
        print_json([asdict(finding) for finding in findings])
    else:
        for finding in findings:
            console.print(
                f"{STYLE[finding.status]} {escape(f'{finding.check}: {finding.detail}')}",
                soft_wrap=True,
            )
            if finding.fix and finding.status != "ok":
                console.print(escape(f"       fix: {finding.fix}"), soft_wrap=True)
    if any(finding.status == "fail" for finding in findings):
        raise typer.Exit(1)
