"""The one Redis key builder: tenant data under `{tenant_id}:`, the rest under `konstruct:`."""

import hashlib
import re
from typing import Final
from uuid import UUID

PLATFORM_PREFIX: Final = "konstruct"

# Every key in our Redis must start with one of these or with a tenant's UUID; `rq:` is RQ's
# own namespace for the bridge's job queue.
# Keys LiteLLM's own rate limiter and router write (counters keyed by key hash and
# deployment, holding no tenant data). LiteLLM builds them itself; they are declared here
# so the suite's Redis scan knows every namespace in use.
LITELLM_PREFIXES: tuple[str, ...] = (
    "{api_key:",
    "{model_per_key:",
    "global_router:",
    "deployment:",  # the router's per-deployment state, cooldowns shared between workers
)
DECLARED_PLATFORM_PREFIXES: tuple[str, ...] = (f"{PLATFORM_PREFIX}:", "rq:", *LITELLM_PREFIXES)

_TENANT_PREFIX = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:")
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _render_parts(parts: tuple[str | int, ...]) -> str:
    if not parts:
        raise ValueError("a Redis key needs at least one part after its prefix")
    rendered = []
    for part in parts:
        text = str(part)
        # ':' would let one part pose as two, and '{'/'}' would change Redis Cluster hash slots.
        if not text or any(char in ":{}" or char.isspace() for char in text):
            raise ValueError(
                f"invalid Redis key part {text!r}: must be non-empty, without ':', '{{', '}}' "
                "or whitespace"
            )
        rendered.append(text)
    return ":".join(rendered)


def _canonical_tenant(tenant_id: UUID | str) -> str:
    if isinstance(tenant_id, UUID):
        return str(tenant_id)
    try:
        return str(UUID(tenant_id))
    except ValueError as exc:
        raise ValueError(f"tenant id is not a UUID: {tenant_id!r}") from exc


def tenant_key(tenant_id: UUID | str, *parts: str | int) -> str:
    """A key for tenant data: `{tenant_id}:part1:part2…` with the tenant as a canonical UUID."""
    return f"{_canonical_tenant(tenant_id)}:{_render_parts(parts)}"


def platform_key(*parts: str | int) -> str:
    """A platform-wide key that holds no tenant data: `konstruct:part1:part2…`."""
    return f"{PLATFORM_PREFIX}:{_render_parts(parts)}"


def is_declared_key(key: str) -> bool:
    """True if `key` lives in a tenant's namespace or under a declared platform prefix."""
    return _TENANT_PREFIX.match(key) is not None or key.startswith(DECLARED_PLATFORM_PREFIXES)


def engaged_thread_key(tenant_id: UUID | str, channel_id: str, thread_id: str) -> str:
    return tenant_key(tenant_id, "engaged_thread", channel_id, thread_id)


def escalated_thread_key(tenant_id: UUID | str, channel_id: str, thread_id: str) -> str:
    return tenant_key(tenant_id, "escalated_thread", channel_id, thread_id)


def workspace_changes_channel() -> str:
    """Pub/sub channel on which the proxy names a tenant (its id only) whose Slack workspace
    view changed: every bridge process drops what it cached of that tenant."""
    return platform_key("workspace_changes")


def key_auth_cache_key(key_hash: str) -> str:
    """Tenant key hash → auth result, looked up before the tenant is known."""
    return platform_key("key_auth", key_hash)


def cache_invalidations_channel() -> str:
    """Pub/sub channel on which the proxy announces cache keys it deleted (no tenant data:
    the messages are the deleted keys' names)."""
    return platform_key("cache_invalidations")


def cache_generation_key() -> str:
    """Counter raised whenever the proxy forgets cached grants or agent cards: a copy built
    from the database is stored only if no change happened while it was being built."""
    return platform_key("cache_generation")


def monthly_spend_key(tenant_id: UUID | str, year_month: str) -> str:
    if not _YEAR_MONTH.fullmatch(year_month):
        raise ValueError(f"year_month must look like '2026-11': {year_month!r}")
    return tenant_key(tenant_id, "spend", year_month)


def message_rate_key(tenant_id: UUID | str, window_start: int) -> str:
    return tenant_key(tenant_id, "message_rate", window_start)


def channel_message_rate_key(tenant_id: UUID | str, channel_id: str, window_start: int) -> str:
    return tenant_key(tenant_id, "channel_message_rate", channel_id, window_start)


def event_dedupe_key(event_id: str) -> str:
    """Slack event id seen already; checked before the tenant is known."""
    return platform_key("event_dedupe", event_id)


def event_reply_key(tenant_id: UUID | str, event_id: str) -> str:
    """The placeholder posted for an event, so a retried job edits it instead of reposting."""
    return tenant_key(tenant_id, "event_reply", event_id)


def native_stream_off_key(tenant_id: UUID | str, team_id: str) -> str:
    """Slack refused native streaming for this workspace: its replies use a placeholder a while."""
    return tenant_key(tenant_id, "native_stream_off", team_id)


def login_throttle_key(subject: str) -> str:
    """Failed-login counter; the subject (often an email) is hashed so no address sits in Redis."""
    # Case and surrounding spaces are not a new subject: "Bob@x.com " and "bob@x.com" share a count.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()
    return platform_key("login_throttle", digest)


def oauth_state_key(state: str) -> str:
    return platform_key("oauth_state", state)


def approval_prompt_key(tenant_id: UUID | str, approval_id: UUID | str) -> str:
    """The Slack message holding an approval's buttons (posted once per approval)."""
    return tenant_key(tenant_id, "approval_prompt", str(approval_id))
