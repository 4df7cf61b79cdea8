"""`make up`: create the first platform admin once, from env or with a one-time password."""

import asyncio
import secrets
import sys

from proxy.operators.service import ensure_first_admin
from proxy.runtime import Runtime
from proxy.settings import get_settings


async def _main() -> None:
    settings = get_settings()
    runtime = Runtime(settings)
    email = settings.konstruct_admin_email
    given = settings.konstruct_admin_password.get_secret_value()
    password = given or secrets.token_urlsafe(12)
    try:
        created = await ensure_first_admin(runtime, email, password)
    finally:
        await runtime.close()
    if not created:
        sys.stdout.write("bootstrap: a platform admin exists already\n")
    elif given:
        sys.stdout.write(
            f"bootstrap: platform admin {email} created from KONSTRUCT_ADMIN_PASSWORD\n"
        )
    else:
        sys.stdout.write(
            "\n  First platform admin created. Log in at http://127.0.0.1:3000 with\n"
            f"    email:    {email}\n    password: {password}\n"
            "  This password is shown once; change it after logging in.\n\n"
        )


def main() -> None:
    asyncio.run(_main())


if __name__ == "__main__":
    main()
