"""The bridge's one settings class: every environment variable it reads is declared here."""

from functools import lru_cache

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.threads import ENGAGEMENT_TTL_SECONDS
from policies.tls import redis_url


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
    # TLS (policies/tls.py): the web process serves HTTPS with TLS 1.3 at least when both
    # files are set; the CA file is what the bridge trusts when it calls an HTTPS proxy.
    konstruct_tls_cert_file: str = ""
    konstruct_tls_key_file: str = ""
    konstruct_tls_ca_file: str = ""

    bridge_engagement_ttl_seconds: int = ENGAGEMENT_TTL_SECONDS
    # A handed-off thread stays quiet this long unless someone mentions the agent.
    bridge_escalation_ttl_seconds: int = 7 * 24 * 3600
    # Longer than Slack's last retry (~5 min after the first delivery).
    bridge_event_dedupe_seconds: int = 3600
    bridge_workspace_cache_seconds: int = 300
    # Unknown workspaces are remembered briefly; connecting one makes the proxy forget this.
    bridge_unknown_workspace_cache_seconds: int = 60
    # The web process remembers a workspace this long without asking Redis (0: always ask).
    bridge_authorize_cache_seconds: float = 5.0
    bridge_stream_update_seconds: float = 1.0
    # After Slack refuses native streaming for a workspace, its replies use the placeholder
    # this long before streaming is tried again.
    bridge_native_stream_retry_seconds: int = 3600
    bridge_gateway_busy_retries: int = 3
    bridge_gateway_backoff_seconds: float = 1.0
    # A gateway's Retry-After is honoured up to this long per retry.
    bridge_gateway_max_retry_after_seconds: float = 10.0
    bridge_model_timeout_seconds: float = 120.0
    bridge_job_timeout_seconds: int = 300

    # OpenTelemetry traces go here over OTLP/HTTP (a collector's base URL, or the full
    # traces URL); neither set: no spans are recorded or sent.
    otel_exporter_otlp_endpoint: str = ""
    otel_exporter_otlp_traces_endpoint: str = ""

    @field_validator("redis_url")
    @classmethod
    def _redis_tls(cls, value: str) -> str:
        return redis_url(value)


@lru_cache
def get_settings() -> Settings:
    return Settings()
