"""Calling a tenant's HTTP tool: the URL filled from the arguments, secret headers added.

Arguments named by `{placeholders}` go into the URL (percent-encoded, path and query only,
since the host is fixed at registration); the others go into the query string of a GET or
DELETE and into the JSON body of a POST, PUT or PATCH. Redirects are not followed: the secret
headers are for the registered host only, and a redirect answer is a failed call.
"""

import json
from typing import Any
from urllib.parse import quote

import httpx2

from proxy.features.tools.network import ToolFailure, check_url, clip, guarded_client, scrub
from proxy.features.tools.schemas import placeholders

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ERROR_EXCERPT_CHARS = 500
MAX_READ_BYTES = 1_000_000


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def build_url(template: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL with its placeholders filled, and the arguments it did not use."""
    names = placeholders(template)
    missing = [name for name in names if name not in arguments]
    if missing:
        raise ToolFailure(f"Missing argument(s) for the URL: {', '.join(missing)}.")
    filled: dict[str, str] = {}
    for name in names:
        text = _as_text(arguments[name])
        if text in ("", ".", ".."):
            raise ToolFailure(f"The argument {name} cannot be empty, '.' or '..'.")
        filled[name] = quote(text, safe="")
    url = template.format_map(filled)
    rest = {key: value for key, value in arguments.items() if key not in filled}
    return url, rest


async def call_http_tool(
    *,
    method: str,
    url_template: str,
    arguments: dict[str, Any],
    headers: dict[str, str],
    allow_private: bool,
    timeout_seconds: float,
    max_result_chars: int,
) -> str:
    """The tool's answer as text; ToolFailure with a short explanation otherwise."""
    secrets = list(headers.values())
    url, rest = build_url(url_template, arguments)
    await check_url(url, allow_private=allow_private)
    params = None if method in BODY_METHODS else {k: _as_text(v) for k, v in rest.items()}
    body = rest if method in BODY_METHODS else None
    client, _ = guarded_client(
        allow_private=allow_private, timeout_seconds=timeout_seconds, headers=headers
    )
    limit = min(MAX_READ_BYTES, max(4096, max_result_chars * 4))
    try:
        async with (
            client,
            client.stream(method, url, params=params, json=body) as response,
        ):
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit:
                    break
            status = response.status_code
            encoding = response.encoding or "utf-8"
    except httpx2.TimeoutException as exc:
        raise ToolFailure(f"The tool did not answer within {timeout_seconds:g} s.") from exc
    except httpx2.HTTPError as exc:
        raise ToolFailure(f"Could not reach the tool ({type(exc).__name__}).") from exc
    text = scrub(b"".join(chunks).decode(encoding, errors="replace"), secrets)
    if 300 <= status < 400:
        raise ToolFailure(
            f"The tool answered with a redirect (HTTP {status}), which Konstruct does not follow."
        )
    if status >= 400:
        excerpt = clip(text.strip(), min(ERROR_EXCERPT_CHARS, max_result_chars))
        raise ToolFailure(f"The tool answered HTTP {status}: {excerpt}".rstrip(": "))
    return clip(text, max_result_chars)
