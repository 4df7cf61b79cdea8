"""Admin API models for the tool registry: MCP servers, HTTP tools, agents' assignments.

Credentials go in (a bearer token, secret headers) and never come out: an output says only
whether a bearer token is set and which secret headers are, by name.
"""

import re
import string
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints, field_validator, model_validator

from proxy.features.api.schemas import Input, Name, Output

Policy = Literal["auto", "ask", "off"]
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
ToolName = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-zA-Z0-9_-]{1,64}$")
]
ToolUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)]
Description = Annotated[str, StringConstraints(max_length=2000)]
StatusText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]
SecretValue = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
McpToolName = Annotated[str, StringConstraints(min_length=1, max_length=200)]

# Headers the client itself must set (framing, routing, the MCP session): a tenant's secret
# header cannot replace them.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
        "proxy-authorization",
        "mcp-session-id",
        "mcp-protocol-version",
        "last-event-id",
        "accept",
    }
)
MAX_HEADERS = 20
MAX_SCHEMA_CHARS = 20_000


def _check_headers(headers: dict[str, str] | None) -> dict[str, str] | None:
    if headers is None:
        return None
    if len(headers) > MAX_HEADERS:
        raise ValueError(f"at most {MAX_HEADERS} secret headers")
    seen: set[str] = set()
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in RESERVED_HEADERS:
            raise ValueError(f"the header {name} is set by Konstruct itself")
        if lowered in seen:
            raise ValueError(f"the header {name} is given twice")
        seen.add(lowered)
        if any(ch in value for ch in "\r\n\0"):
            raise ValueError(f"the value of header {name} contains a line break")
    return headers


def placeholders(url: str) -> list[str]:
    """The `{name}` placeholders of an HTTP tool's URL, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(url) if field is not None]


def _check_schema(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") != "object":
        raise ValueError('the arguments schema must be a JSON Schema with "type": "object"')
    properties = schema.get("properties", {})
    if not isinstance(properties, dict) or not all(
        isinstance(value, dict) for value in properties.values()
    ):
        raise ValueError('"properties" must map each argument name to a JSON Schema')
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(name in properties for name in required):
        raise ValueError('"required" must list names of "properties"')
    if len(str(schema)) > MAX_SCHEMA_CHARS:
        raise ValueError(f"the arguments schema is longer than {MAX_SCHEMA_CHARS} characters")
    return schema


class McpServerCreate(Input):
    name: Name
    url: ToolUrl
    bearer_token: SecretValue | None = None
    headers: dict[HeaderName, SecretValue] = Field(
        default_factory=dict, description="Secret headers sent with every request."
    )

    _headers = field_validator("headers")(_check_headers)


class McpServerUpdate(Input):
    """Absent fields are kept; `bearer_token: null` removes it; `headers` replaces them all."""

    name: Name | None = None
    url: ToolUrl | None = None
    bearer_token: SecretValue | None = None
    headers: dict[HeaderName, SecretValue] | None = None

    _headers = field_validator("headers")(_check_headers)


class McpToolInfo(Output):
    name: str
    description: str
    input_schema: dict[str, Any]


class McpServer(Output):
    id: UUID
    name: str
    url: str
    has_bearer_token: bool
    secret_headers: list[str]
    tools: list[McpToolInfo]
    tools_listed_at: datetime | None
    last_error: str
    created_at: datetime
    updated_at: datetime


class HttpToolFields(Input):
    @field_validator("parameters", check_fields=False)
    @classmethod
    def _parameters(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _check_schema(value)

    @field_validator("url", check_fields=False)
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            names = placeholders(value)
        except ValueError as exc:
            raise ValueError("the URL has an unmatched { or }") from exc
        if any(not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name) for name in names):
            raise ValueError("a {placeholder} must be an argument name")
        head, sep, _ = value.partition("://")
        authority = value[len(head) + len(sep) :].split("/", 1)[0]
        if "{" in head or "{" in authority:
            # The host is the operator's, never the model's: only path and query may vary.
            raise ValueError("placeholders may appear in the URL's path and query only")
        return value


class HttpToolCreate(HttpToolFields):
    name: ToolName
    description: Description = ""
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description='JSON Schema of the arguments; mark a secret one "x-konstruct-secret": true.',
    )
    method: HttpMethod = "GET"
    url: ToolUrl = Field(description="May contain {argument} placeholders in path and query.")
    status_text: StatusText = ""
    headers: dict[HeaderName, SecretValue] = Field(default_factory=dict)

    _headers = field_validator("headers")(_check_headers)

    @model_validator(mode="after")
    def _placeholders_are_arguments(self) -> "HttpToolCreate":
        missing = set(placeholders(self.url)) - set(self.parameters.get("properties", {}))
        if missing:
            raise ValueError(f"the URL's placeholders are not arguments: {sorted(missing)}")
        return self


class HttpToolUpdate(HttpToolFields):
    """Absent fields are kept; `headers` replaces the secret headers all at once."""

    name: ToolName | None = None
    description: Description | None = None
    parameters: dict[str, Any] | None = None
    method: HttpMethod | None = None
    url: ToolUrl | None = None
    status_text: StatusText | None = None
    headers: dict[HeaderName, SecretValue] | None = None

    _headers = field_validator("headers")(_check_headers)


class HttpTool(Output):
    id: UUID
    name: str
    description: str
    parameters: dict[str, Any]
    method: HttpMethod
    url: str
    status_text: str
    secret_headers: list[str]
    created_at: datetime
    updated_at: datetime


class RegistryTool(Output):
    """One tool an agent can be given, as the Designer's picker lists it."""

    kind: Literal["http", "mcp"]
    name: str
    description: str
    http_tool_id: UUID | None = None
    mcp_server_id: UUID | None = None
    mcp_server_name: str | None = None
    mcp_tool_name: str | None = None


class AssignmentIn(Input):
    """One registry tool for the agent: an HTTP tool, or one tool of an MCP server."""

    http_tool_id: UUID | None = None
    mcp_server_id: UUID | None = None
    mcp_tool_name: McpToolName | None = None
    policy: Policy = "ask"
    name: ToolName | None = Field(
        default=None, description="The function name the model sees; default: the tool's."
    )

    @model_validator(mode="after")
    def _one_source(self) -> "AssignmentIn":
        http = self.http_tool_id is not None
        mcp = self.mcp_server_id is not None and self.mcp_tool_name is not None
        if http == mcp or (http and (self.mcp_server_id or self.mcp_tool_name)):
            raise ValueError("name either http_tool_id, or mcp_server_id with mcp_tool_name")
        return self


class AssignmentsIn(Input):
    tools: list[AssignmentIn] = Field(max_length=100)


class Assignment(Output):
    id: UUID
    name: str
    kind: Literal["http", "mcp"]
    policy: Policy
    description: str
    http_tool_id: UUID | None
    mcp_server_id: UUID | None
    mcp_tool_name: str | None
    # False when the MCP server no longer lists this tool: the agent does not get it.
    available: bool


class ToolTestIn(Input):
    tool: McpToolName | None = Field(
        default=None, description="MCP only: a tool to call; absent: list the server's tools."
    )
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolTestOut(Output):
    ok: bool
    text: str
    duration_ms: float
