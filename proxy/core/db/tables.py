"""SQLAlchemy Core descriptions of the tables that migrations/ creates (queries only).

The schema itself, with its row-level security, is owned by migrations/; these mirror
it so repositories can build queries without writing SQL strings.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

# Tables without row-level security, and why each is safe without it.
PLATFORM_TABLES = {
    "tenants": "the registry of tenants itself",
    "operators": "portal users; looked up by email at login, before any tenant is known",
    "key_routes": "routing only: key hash -> tenant id, key id",
    "slack_team_routes": "routing only: Slack team id -> tenant id",
    "alembic_version": "migration bookkeeping",
}


def _uuid(name: str, **kwargs: object) -> Column[object]:
    return Column(name, UUID(as_uuid=True), **kwargs)  # type: ignore[arg-type]


def _id() -> Column[object]:
    return Column("id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue())


def _ts(name: str, **kwargs: object) -> Column[object]:
    return Column(name, DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


tenants = Table(
    "tenants",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("settings", JSONB, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

operators = Table(
    "operators",
    metadata,
    _id(),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    _uuid("tenant_id"),
    Column("session_version", Integer, nullable=False),
    _ts("created_at"),
    _ts("last_login_at"),
)

agents = Table(
    "agents",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("slug", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("persona", Text, nullable=False),
    Column("system_prompt", Text, nullable=False),
    Column("tool_assignments", JSONB, nullable=False),
    Column("escalation_rules", JSONB, nullable=False),
    Column("model_tier", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("is_active", Boolean, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

tenant_keys = Table(
    "tenant_keys",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("key_hash", Text, nullable=False),
    Column("prefix", Text, nullable=False),
    Column("encrypted_secret", Text),
    Column("rpm_limit", Integer),
    Column("tpm_limit", Integer),
    _ts("expires_at"),
    _ts("revoked_at"),
    _ts("last_used_at"),
    _ts("created_at"),
)

tenant_limits = Table(
    "tenant_limits",
    metadata,
    _uuid("tenant_id", primary_key=True),
    Column("rpm_limit", Integer),
    Column("tpm_limit", Integer),
    Column("monthly_budget_usd", Numeric(12, 4)),
    Column("degrade_at_share", Numeric(4, 3), nullable=False),
    Column("tenant_messages_per_minute", Integer, nullable=False),
    Column("channel_messages_per_minute", Integer, nullable=False),
    _ts("updated_at"),
)

channel_connections = Table(
    "channel_connections",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("channel_type", Text, nullable=False),
    Column("workspace_id", Text, nullable=False),
    Column("workspace_name", Text, nullable=False),
    Column("encrypted_bot_token", Text, nullable=False),
    Column("bot_user_id", Text, nullable=False),
    _uuid("default_agent_id"),
    Column("status", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
)

channel_agent_overrides = Table(
    "channel_agent_overrides",
    metadata,
    _uuid("tenant_id", primary_key=True),
    _uuid("connection_id", primary_key=True),
    Column("channel_id", Text, primary_key=True),
    _uuid("agent_id", nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("channel_type", Text, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("thread_id", Text, nullable=False),
    _ts("created_at"),
    _ts("last_message_at"),
)

messages = Table(
    "messages",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    _uuid("conversation_id", nullable=False),
    Column("role", Text, nullable=False),
    Column("sender_id", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("source_event_id", Text, nullable=False),
    _uuid("agent_id"),
    _ts("created_at"),
)

usage_events = Table(
    "usage_events",
    metadata,
    _id(),
    _uuid("tenant_id", nullable=False),
    Column("call_id", Text, nullable=False),
    Column("model_group", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("cost_usd", Numeric(14, 8), nullable=False),
    _uuid("agent_id"),
    _uuid("key_id"),
    _ts("created_at"),
)

gateway_responses = Table(
    "gateway_responses",
    metadata,
    _uuid("tenant_id", nullable=False),
    Column("response_id", Text, nullable=False),
    _ts("created_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, server_default=FetchedValue()),
    _uuid("tenant_id"),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    _ts("created_at"),
)

key_routes = Table(
    "key_routes",
    metadata,
    Column("key_hash", Text, primary_key=True),
    _uuid("tenant_id", nullable=False),
    _uuid("key_id", nullable=False),
)

slack_team_routes = Table(
    "slack_team_routes",
    metadata,
    Column("team_id", Text, primary_key=True),
    _uuid("tenant_id", nullable=False),
)
