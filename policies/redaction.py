"""What must never reach a log line or an error body: keys, tokens, Authorization headers."""

import re
from collections.abc import Iterable

MASK = "[redacted]"

_PATTERNS = (
    # Konstruct tenant keys, OpenAI/Anthropic-style provider keys.
    re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
    # Slack bot, user, app and refresh tokens.
    re.compile(r"\bxox[abeprs]-[A-Za-z0-9-]{6,}"),
    re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"),
    # Authorization headers and bearer tokens, in any casing.
    re.compile(r"(?i)(bearer\s+)[^\s'\",}]+"),
    re.compile(
        r"(?i)(\"?(?:authorization|x-api-key|api[_-]?key|password|bot_token|secret)\"?\s*[:=]\s*\"?)[^\s'\",}]+"
    ),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret and secret-shaped token masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text
