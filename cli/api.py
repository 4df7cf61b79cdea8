"""The admin API client: the operator's credential, requests, and errors in the API's words.

httpx (and the settings class) are imported when a request is made, not with this module:
every command imports it, `konstruct --help` included, and that should start at once.
"""

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import httpx

    from cli.settings import Settings

# Seconds for a whole request, and for opening its connection.
TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 30.0, 5.0
# Where a command takes an id it also takes the id's beginning (tables show 8 characters),
# when at least this long and no other id begins the same way.
MIN_ID_PREFIX = 4
ID_PREFIX = re.compile(r"[0-9a-f-]+")


class CliError(Exception):
    """A failure to show as one line (and a non-zero exit), never with a secret in it."""


class ApiError(CliError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} ({status} {code})")
        self.status = status
        self.code = code


def api_error(response: "httpx.Response") -> ApiError:
    """The API's own words: `error.message` (which lists field messages for a 422)."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    message = str(error.get("message") or response.reason_phrase or "request failed")
    fields = error.get("fields")
    if isinstance(fields, list) and fields and "Invalid input" not in message:
        message += " " + "; ".join(f"{f.get('field')}: {f.get('message')}" for f in fields)
    code = str(error.get("code") or response.status_code)
    return ApiError(response.status_code, code, message)


def unreachable(what: str, url: str, error: Exception, fix: str) -> CliError:
    return CliError(f"cannot reach the {what} at {url} ({type(error).__name__}); {fix}")


def session_path(settings: "Settings") -> Path:
    return settings.xdg_config_home / "konstruct" / "session.json"


def saved_session(settings: "Settings") -> dict[str, Any] | None:
    """The operator session of `konstruct login` for this proxy, if it has not expired."""
    path = session_path(settings)
    try:
        session = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(session, dict) or session.get("proxy_url") != settings.konstruct_proxy_url:
        return None
    if float(session.get("expires_at_epoch", 0)) <= time.time():
        return None
    return session


def save_session(settings: "Settings", token: str, expires_at_epoch: float, email: str) -> Path:
    path = session_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = {
        "proxy_url": settings.konstruct_proxy_url,
        "token": token,
        "expires_at_epoch": expires_at_epoch,
        "email": email,
    }
    # Created private: the token is an operator's credential.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(body, file)
    return path


@dataclass(frozen=True)
class Credential:
    token: str
    source: str


def credential(settings: "Settings") -> Credential:
    session = saved_session(settings)
    if session is not None:
        return Credential(str(session["token"]), f"operator session of {session.get('email')}")
    return Credential(settings.konstruct_master_key.get_secret_value(), "KONSTRUCT_MASTER_KEY")


class AdminAPI:
    """`/admin/*` as the operator: every method returns the JSON body or raises a CliError."""

    def __init__(self, settings: "Settings", token: str | None = None) -> None:
        import httpx

        from policies.tls import http_verify

        self.settings = settings
        self.base_url = settings.konstruct_proxy_url.rstrip("/")
        self.credential = credential(settings) if token is None else Credential(token, "given")
        self.client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
            # No credential at all for login itself.
            headers={"Authorization": f"Bearer {self.credential.token}"}
            if self.credential.token
            else {},
            verify=http_verify(settings.konstruct_tls_ca_file),
        )

    def __enter__(self) -> "AdminAPI":
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        return response.json() if response.content else None

    def text(self, path: str, **params: Any) -> str:
        """A GET whose answer is not JSON (a CSV export)."""
        params = {k: v for k, v in params.items() if v is not None}
        return self._send("GET", path, params=params).text

    def _send(self, method: str, path: str, **kwargs: Any) -> "httpx.Response":
        import httpx

        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise unreachable(
                "proxy",
                self.base_url,
                error,
                "start it (`make up`) or set KONSTRUCT_PROXY_URL",
            ) from None
        if response.status_code >= 400:
            raise api_error(response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, json=body or {})

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("PATCH", path, json=body)

    def tenant(self, ref: str) -> dict[str, Any]:
        """A tenant by id, slug or the beginning of its id."""
        if _is_uuid(ref):
            found: dict[str, Any] = self.get(f"/admin/tenants/{ref}")
            return found
        # The search matches slugs, names and the beginnings of ids, on every page.
        matches: list[dict[str, Any]] = self.get("/admin/tenants", q=ref, limit=200)["items"]
        for tenant in matches:
            if tenant["slug"] == ref:
                return dict(tenant)
        prefixed = by_id_prefix(matches, ref, "tenants")
        if prefixed is not None:
            return prefixed
        raise CliError(f"no tenant with slug or id {ref!r} (see `konstruct tenant list`)")

    def agent(self, tenant_id: str, ref: str | None) -> dict[str, Any]:
        """An agent by id, slug or the beginning of its id; without one, the tenant's default
        agent (else its first)."""
        agents = self.get(f"/admin/tenants/{tenant_id}/agents")["items"]
        if ref is None:
            chosen = next((a for a in agents if a["is_default"]), agents[0] if agents else None)
            if chosen is None:
                raise CliError("the tenant has no agent yet: `konstruct agent create` makes one")
            return dict(chosen)
        for agent in agents:
            if ref in (agent["id"], agent["slug"]):
                return dict(agent)
        prefixed = by_id_prefix(agents, ref, "agents")
        if prefixed is None:
            raise CliError(f"the tenant has no agent {ref!r} (see `konstruct agent list`)")
        return prefixed


def is_id_prefix(ref: str) -> bool:
    return len(ref) >= MIN_ID_PREFIX and ID_PREFIX.fullmatch(ref.lower()) is not None


def by_id_prefix(items: list[dict[str, Any]], ref: str, what: str) -> dict[str, Any] | None:
    """The one item whose id begins with `ref`; None when none does (or `ref` cannot begin an
    id). A beginning that several ids share is an error that says so."""
    if not is_id_prefix(ref):
        return None
    found = [item for item in items if str(item["id"]).startswith(ref.lower())]
    if len(found) > 1:
        raise CliError(f"{len(found)} {what} have an id beginning {ref!r}: give more of it")
    return dict(found[0]) if found else None


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
