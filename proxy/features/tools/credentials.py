"""Tools' credentials at rest: sealed with the platform's secret box, bound to tenant and row.

The associated data names the column, the tenant and the row, so a ciphertext copied into
another tenant's row, another tool's row or another column does not open there.
"""

import json
from typing import Any
from uuid import UUID

from proxy.core.crypto import SecretBox


def mcp_bearer_context(tenant_id: UUID, server_id: UUID) -> str:
    return f"mcp_server_bearer_token:{tenant_id}:{server_id}"


def mcp_headers_context(tenant_id: UUID, server_id: UUID) -> str:
    return f"mcp_server_headers:{tenant_id}:{server_id}"


def http_headers_context(tenant_id: UUID, tool_id: UUID) -> str:
    return f"http_tool_headers:{tenant_id}:{tool_id}"


def seal_headers(box: SecretBox, headers: dict[str, str], *, context: str) -> str | None:
    return box.encrypt(json.dumps(headers), context=context) if headers else None


def open_headers(box: SecretBox, sealed: str | None, *, context: str) -> dict[str, str]:
    if not sealed:
        return {}
    headers: dict[str, str] = json.loads(box.decrypt(sealed, context=context))
    return headers


def mcp_request_headers(box: SecretBox, tenant_id: UUID, row: Any) -> dict[str, str]:
    """The headers every request to this MCP server carries (its bearer token included)."""
    headers = open_headers(
        box, row.encrypted_headers, context=mcp_headers_context(tenant_id, row.id)
    )
    if row.encrypted_bearer_token:
        token = box.decrypt(
            row.encrypted_bearer_token, context=mcp_bearer_context(tenant_id, row.id)
        )
        headers["Authorization"] = f"Bearer {token}"
    return headers


def http_request_headers(box: SecretBox, tenant_id: UUID, row: Any) -> dict[str, str]:
    return open_headers(box, row.encrypted_headers, context=http_headers_context(tenant_id, row.id))
