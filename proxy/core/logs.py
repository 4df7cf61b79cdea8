"""Structured JSON logs with secrets redacted, for every proxy process.

Every handler in the process, LiteLLM's included, gets the redaction filter, so a key,
token or Authorization header never reaches a log line whoever logged it. Records carry
the current tenant when one is in scope.

LiteLLM's own loggers write several INFO lines for every model call (each then formatted
and redacted here): they log at WARNING, ours at INFO. That per-call logging was a
measurable share of the gateway's overhead (`bench.konstruct_variant quiet_logs`).
"""

import json
import logging
import sys
from datetime import UTC, datetime

from policies.redaction import redact
from proxy.core.db.engine import current_tenant
from proxy.core.settings import Settings

LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Proxy", "LiteLLM Router")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        tenant = current_tenant.get()
        if tenant is not None:
            entry["tenant_id"] = str(tenant)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry)


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    secrets = [
        settings.konstruct_master_key.get_secret_value(),
        settings.konstruct_bridge_key.get_secret_value(),
        *(
            part.partition(":")[2]
            for part in settings.konstruct_secret_key.get_secret_value().split(",")
        ),
    ]
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        json_handler = logging.StreamHandler(sys.stderr)
        json_handler.setFormatter(JsonFormatter())
        root.addHandler(json_handler)
    root.setLevel(level)
    for name in LITELLM_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    redacting = RedactingFilter(secrets)
    loggers = [
        root,
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(redacting)
