"""The platform's transport rule: TLS 1.3 at least, certificates and host names verified.

Every client and server of every component takes its TLS from here. TLS is asked for by
settings and is off when they say nothing (local development):
- Postgres: `sslmode=verify-full` in the URL, with `sslrootcert=<CA file>` (else the
  system's CAs) and optionally `sslcert`/`sslkey` for a client certificate;
- Redis: a `rediss://` URL, with `ssl_ca_certs=<CA file>` (else the system's CAs);
- HTTP servers (proxy, bridge web): a certificate and key file.
Building a context reads only the certificate files it is handed; the rest is pure.
"""

import ssl
from collections.abc import Callable
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
