"""The CLI's one settings class, and the only place it reads the environment or `.env`."""

import os
from pathlib import Path

from dotenv import dotenv_values
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    konstruct_proxy_url: str = "http://127.0.0.1:4000"
    # The proxy's own default; an operator session from `konstruct login` takes precedence.
    konstruct_master_key: SecretStr = SecretStr("sk-konstruct-dev-master-key-change-me")
    # A tenant key for `konstruct chat`; without one chat issues a short-lived key itself.
    konstruct_tenant_key: SecretStr = SecretStr("")
    konstruct_bridge_url: str = "http://127.0.0.1:3001"

    database_url: str = "postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/konstruct"
    database_admin_url: str = "postgresql://postgres@127.0.0.1:5432/konstruct"
    # The CA that signed the proxy's and bridge's certificates, when they serve HTTPS.
    konstruct_tls_ca_file: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    slack_signing_secret: SecretStr = SecretStr("")
    slack_api_url: str = "https://slack.com/api/"
    # Where `make up` serves the local model when no provider is configured
    # (proxy/core/settings.py).
    local_model_port: int = 8008

    # Where `konstruct login` keeps the operator's session token (`konstruct/session.json`).
    xdg_config_home: Path = Path.home() / ".config"


def load_settings(env_file: Path) -> Settings:
    return Settings(_env_file=env_file)


def environment(env_file: Path) -> dict[str, str]:
    """Every variable as the stack's processes see it: the environment over `.env`.

    `doctor` needs names that no settings class declares (the provider variables that
    litellm_config.yaml references, the portal's AUTH_SECRET), so it reads them here.
    """
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**from_file, **os.environ}
