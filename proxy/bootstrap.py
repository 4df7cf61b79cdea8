"""`make up`: create the first platform admin once, from env or with a one-time password."""

import asyncio
import secrets
import sys

from proxy.core.runtime import Runtime
from proxy.core.settings import Settings, get_settings
from proxy.features.operators.service import ensure_first_admin


async def bootstrap(settings: Settings) -> str:
    """Ensure a platform admin exists; what to tell the person at the terminal about it."""
    runtime = Runtime(settings)
    email = settings.konstruct_admin_email
    given = settings.konstruct_admin_password.get_secret_value()
    password = given or secrets.token_urlsafe(12)
    try:
        created = await ensure_first_admin(runtime, email, password)
    finally:
        await runtime.close()
    if not created:
        return "a platform admin exists already (log in with its password)"
    if given:
        return f"platform admin {email} created from KONSTRUCT_ADMIN_PASSWORD"
    return (
        f"first platform admin created:\n  email:    {email}\n  password: {password}\n"
        "This password is shown once; change it after logging in."
    )


def main() -> None:
    sys.stdout.write(f"bootstrap: {asyncio.run(bootstrap(get_settings()))}\n")


if __name__ == "__main__":
    main()
