"""The bridge's one settings class: every environment variable it reads is declared here."""

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.threads import ENGAGEMENT_TTL_SECONDS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    redis_url: str = "redis://127.0.0.1:6379/0"
    konstruct_proxy_url: str = "http://127.0.0.1:4000"
    konstruct_bridge_key: SecretStr = SecretStr("bridge-dev-key-change-me")
    # Where Slack and browsers reach this bridge; the OAuth redirect URI is built from it.
    konstruct_bridge_url: str = "http://127.0.0.1:3001"

    slack_signing_secret: SecretStr = SecretStr("")
    slack_client_id: str = ""
    slack_client_secret: SecretStr = SecretStr("")
    slack_api_url: str = "https://slack.com/api/"
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"

    bridge_host: str = "127.0.0.1"
    bridge_port: int = 3001
    bridge_queue: str = "konstruct-bridge"

    bridge_engagement_ttl_seconds: int = ENGAGEMENT_TTL_SECONDS
    # A handed-off thread stays quiet this long unless someone mentions the agent.
    bridge_escalation_ttl_seconds: int = 7 * 24 * 3600
    # Longer than Slack's last retry (~5 min after the first delivery).
    bridge_event_dedupe_seconds: int = 3600
    bridge_workspace_cache_seconds: int = 300
    # Unknown workspaces are remembered briefly; connecting one makes the proxy forget this.
    bridge_unknown_workspace_cache_seconds: int = 60
    bridge_stream_update_seconds: float = 1.0
    bridge_gateway_busy_retries: int = 3
    bridge_gateway_backoff_seconds: float = 1.0
    # A gateway's Retry-After is honoured up to this long per retry.
    bridge_gateway_max_retry_after_seconds: float = 10.0
    bridge_model_timeout_seconds: float = 120.0
    bridge_job_timeout_seconds: int = 300


@lru_cache
def get_settings() -> Settings:
    return Settings()
