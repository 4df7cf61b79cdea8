"""The platform's transport rule: TLS 1.3 at least, certificates and host names verified.

Every client and server of every component takes its TLS from here. TLS is asked for by
settings and is off when they say nothing (local development):
- Postgres: `sslmode=verify-full` in the URL, with `sslrootcert=<CA file>` (else the
  system's CAs) and optionally `sslcert`/`sslkey` for a client certificate;
- Redis: a `rediss://` URL, with `ssl_ca_certs=<CA file>` (else the system's CAs);
- HTTP servers (proxy, bridge web): a certificate and key file.
With KONSTRUCT_ENV=production, `plain_transport` names every setting that would carry data
in clear across a network, and the settings classes refuse to load.
Building a context reads only the certificate files it is handed; the rest is pure.
"""

import ipaddress
import ssl
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_3
_LIBPQ_TLS_PARAMS = frozenset({"sslmode", "sslrootcert", "sslcert", "sslkey"})


def client_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verifies the server's chain (against `ca_file`, else the system's CAs) and host name."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = MINIMUM_VERSION
    return context


def postgres_connection(url: str) -> tuple[str, dict[str, Any]]:
    """The URL without its libpq TLS parameters, and the asyncpg connect arguments they ask for.

    Without `sslmode`, nothing changes. Only `verify-full` (encrypted, chain and host name
    checked) or `disable` are accepted: the weaker modes would let a man in the middle in.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tls = {name: value for name, value in query if name in _LIBPQ_TLS_PARAMS}
    if not tls:
        return url, {}
    rest = [(name, value) for name, value in query if name not in _LIBPQ_TLS_PARAMS]
    plain = urlunsplit(parts._replace(query=urlencode(rest)))
    mode = tls.get("sslmode", "")
    if mode == "disable":
        return plain, {"ssl": False}
    if mode != "verify-full":
        raise ValueError(
            f"Postgres sslmode {mode or '(missing)'!r} is not accepted: "
            "use sslmode=verify-full (with sslrootcert=<CA file>) or leave TLS off"
        )
    context = client_context(tls.get("sslrootcert"))
    if "sslcert" in tls:
        context.load_cert_chain(tls["sslcert"], tls.get("sslkey"))
    return plain, {"ssl": context}


def redis_url(url: str) -> str:
    """A `rediss://` URL completed so every redis-py client (ours, RQ's, LiteLLM's) demands
    TLS 1.3 and a verified certificate and host name; `redis://` URLs are returned as given."""
    parts = urlsplit(url)
    if parts.scheme != "rediss":
        return url
    enforced = {
        "ssl_cert_reqs": "required",
        "ssl_check_hostname": "true",
        "ssl_min_version": str(int(MINIMUM_VERSION)),
    }
    query = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n not in enforced]
    return urlunsplit(parts._replace(query=urlencode([*query, *enforced.items()])))


def http_verify(ca_file: str) -> ssl.SSLContext | bool:
    """httpx's `verify` for calls to our own HTTPS servers (signed by `ca_file` when set)."""
    return client_context(ca_file) if ca_file else True


def uvicorn_options(cert_file: str, key_file: str) -> dict[str, Any]:
    """uvicorn's TLS arguments: HTTPS with TLS 1.3 at least when both files are set, else {}."""
    if not cert_file and not key_file:
        return {}
    if not (cert_file and key_file):
        raise ValueError("set both KONSTRUCT_TLS_CERT_FILE and KONSTRUCT_TLS_KEY_FILE, or neither")
    return {
        "ssl_certfile": cert_file,
        "ssl_keyfile": key_file,
        "ssl_context_factory": tls13_server_context,
    }


def tls13_server_context(_config: Any, default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """uvicorn's own server context, refusing anything older than TLS 1.3.

    Module-level so that uvicorn can hand it to worker processes it spawns."""
    context = default()
    context.minimum_version = MINIMUM_VERSION
    return context


def _stays_on_this_host(host: str | None) -> bool:
    """A loopback address or a Unix socket path: the bytes never cross a network (a pod's
    own 127.0.0.1 is its own network namespace: a sidecar such as a cloud SQL proxy)."""
    if not host:
        return False
    if host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _postgres_host(url: str) -> str:
    """The server a Postgres URL names; none at all is libpq's default Unix socket."""
    parts = urlsplit(url)
    return parts.hostname or dict(parse_qsl(parts.query)).get("host") or "/"


def _where(url: str, host: str | None = None) -> str:
    """host:port of a URL, never its credentials (a refusal is printed and logged)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = host or parts.hostname or "(no host)"
    return f"{host}:{port}" if port else host


def plain_transport(
    *,
    postgres: Mapping[str, str] | None = None,
    redis: Mapping[str, str] | None = None,
    https: Mapping[str, str] | None = None,
) -> list[str]:
    """Each setting (name → URL) that would send data in clear to another host, with its fix.

    Postgres must say `sslmode=verify-full`, Redis must be `rediss://` (TLS 1.3 and both
    checks are then enforced, see `redis_url`), our HTTP services must be `https://`; a
    loopback address or a Unix socket is fine as it is."""
    problems = []
    for name, url in (postgres or {}).items():
        mode = dict(parse_qsl(urlsplit(url).query)).get("sslmode", "")
        host = _postgres_host(url)
        if mode != "verify-full" and not _stays_on_this_host(host):
            problems.append(
                f"{name} reaches {_where(url, host)} with sslmode={mode or '(none)'}: "
                "add ?sslmode=verify-full&sslrootcert=<CA file>"
            )
    for name, url in (redis or {}).items():
        parts = urlsplit(url)
        if parts.scheme not in ("rediss", "unix") and not _stays_on_this_host(parts.hostname):
            problems.append(
                f"{name} reaches {_where(url)} over plain {parts.scheme}://: "
                "use rediss://host:port/0?ssl_ca_certs=<CA file>"
            )
    for name, url in (https or {}).items():
        parts = urlsplit(url)
        if parts.scheme != "https" and not _stays_on_this_host(parts.hostname):
            problems.append(
                f"{name} reaches {_where(url)} over {parts.scheme or '(no scheme)'}://: "
                "use https:// (and KONSTRUCT_TLS_CA_FILE when its CA is private)"
            )
    return problems


def refuse_plain_transport(component: str, problems: list[str]) -> None:
    """Raise the one error a production process stops with when `problems` is not empty."""
    if problems:
        raise ValueError(
            f"KONSTRUCT_ENV=production: the {component} refuses to start with plain "
            'connections (README "TLS"):\n  ' + "\n  ".join(problems)
        )
