"""The portal's install, serve and test steps (`make portal`, `make test-portal`).

`test` runs the type check, vitest, a production build, then Playwright in Debian's
Chromium against a real proxy on a scratch database with a fake model provider and a fake
Slack (a connection's bot token is checked with Slack).
`e2e [playwright args]` runs only the last step, against the build already there.
"""

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
CHROMIUM = Path("/usr/bin/chromium")
E2E_ADMIN_EMAIL = "e2e-admin@konstruct.local"
E2E_ADMIN_PASSWORD = "e2e-admin-password-0123"  # noqa: S105 (a scratch database's test admin)
MASTER_KEY = "sk-e2e-master-key-for-the-portal-suite"  # noqa: S105


# No network at run time: Next.js telemetry stays off.
QUIET = {"NEXT_TELEMETRY_DISABLED": "1"}


def run(*cmd: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    sys.stderr.write(f"portal: {' '.join(cmd)}\n")
    subprocess.run(cmd, cwd=cwd or PORTAL, env={**os.environ, **QUIET, **(env or {})}, check=True)  # noqa: S603


def install() -> None:
    """`npm ci` when package-lock.json changed since the last install."""
    lock = PORTAL / "package-lock.json"
    stamp = PORTAL / "node_modules" / ".konstruct-installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
        stamp.write_text(digest)


def ensure_chromium() -> None:
    """Playwright cannot download browsers here: use Debian's, installed once when missing."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None:
        raise SystemExit("portal: /usr/bin/chromium is missing and apt-get is unavailable")
    run("apt-get", "update", "-qq", cwd=ROOT)
    run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "chromium",
        cwd=ROOT,
        env={"DEBIAN_FRONTEND": "noninteractive"},
    )


# What a production build is made of: a build whose stamp matches these is not made again.
BUILD_STAMP = PORTAL / ".next" / ".konstruct-built"
_BUILD_SKIPS = {"node_modules", ".next", "test-results", "playwright-report", "tests", "e2e"}


def sources_digest() -> str:
    """A digest of every file the build reads (names and contents), the lock file included."""
    digest = hashlib.sha256()
    for path in sorted(PORTAL.rglob("*")):
        relative = path.relative_to(PORTAL)
        if relative.parts[0] in _BUILD_SKIPS or not path.is_file():
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build() -> None:
    install()
    run("npm", "run", "build")
    BUILD_STAMP.write_text(sources_digest())


def prepare() -> None:
    """Install and build unless the build is of these very sources: needs Node and this
    file only (no virtualenv), so `make up` runs it beside the Python install."""
    if BUILD_STAMP.exists() and BUILD_STAMP.read_text() == sources_digest():
        sys.stderr.write("portal: the build is up to date\n")
        return
    build()


def serve() -> None:
    prepare()
    run("npm", "run", "start")


def e2e(*playwright_args: str) -> None:
    """Playwright against a real proxy; arguments go to Playwright (a spec file, `--grep x`)."""
    ensure_chromium()
    # The set-up below imports LiteLLM in this process: cost map from the package, not the web.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    # Like the Python suite (tests/conftest.py): neither this process nor the proxy it starts
    # reads the checkout's .env, which `make up` makes (policies/env_file.py).
    os.environ["KONSTRUCT_ENV_FILE"] = ""
    os.environ["LITELLM_MODE"] = "PRODUCTION"
    sys.path.insert(0, str(ROOT))
    from proxy.core.runtime import Runtime
    from proxy.core.settings import Settings
    from proxy.features.operators.service import ensure_first_admin
    from proxy.migrate import drop_database, migrate
    from tests.fakes.openai import OpenAIFake
    from tests.fakes.slack import SlackFake
    from tests.processes import Process, free_port

    # Its own database and Redis database, clear of the Python suite's parallel workers
    # (tests/workers.py: 15 down to 10), so `make test` can run both at once.
    admin_url = "postgresql://postgres@127.0.0.1:5432/konstruct_portal_e2e"
    app_url = "postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/konstruct_portal_e2e"
    redis_url = os.environ.get("PORTAL_E2E_REDIS_URL", "redis://127.0.0.1:6379/8")
    asyncio.run(drop_database(admin_url))
    migrate(admin_url, app_url)

    async def first_admin() -> None:
        runtime = Runtime(Settings(database_url=app_url, redis_url=redis_url))
        await ensure_first_admin(runtime, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD)
        await runtime.redis.flushdb()
        await runtime.close()

    asyncio.run(first_admin())
    port = free_port()
    with OpenAIFake() as fake, SlackFake() as slack:
        proxy = Process(
            "portal-e2e-proxy",
            "proxy.serve",
            {
                "DATABASE_URL": app_url,
                "REDIS_URL": redis_url,
                "KONSTRUCT_MASTER_KEY": MASTER_KEY,
                "PROXY_PORT": str(port),
                "OPENAI_BASE_URL": f"{fake.url}/v1",
                "OPENAI_API_KEY": "sk-fake-provider-key",
                "SLACK_API_URL": slack.api_url,
                "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            },
            f"http://127.0.0.1:{port}/healthz",
        ).start()
        try:
            run(
                "npm",
                "run",
                "e2e",
                "--",
                *playwright_args,
                env={
                    "KONSTRUCT_PROXY_URL": f"http://127.0.0.1:{port}",
                    "KONSTRUCT_MASTER_KEY": MASTER_KEY,
                    "E2E_ADMIN_EMAIL": E2E_ADMIN_EMAIL,
                    "E2E_ADMIN_PASSWORD": E2E_ADMIN_PASSWORD,
                    "E2E_FAKE_OPENAI_URL": fake.url,
                    "E2E_FAKE_SLACK_URL": slack.url,
                    "AUTH_SECRET": "e2e-auth-secret-0123456789abcdef0123456789",
                    "AUTH_TRUST_HOST": "true",
                },
            )
        finally:
            proxy.stop()


def test() -> None:
    install()
    run("npm", "run", "lint")
    run("npm", "test")
    build()
    e2e()


COMMANDS: dict[str, Callable[..., None]] = {
    "install": install,
    "build": build,
    "prepare": prepare,
    "serve": serve,
    "test": test,
    "e2e": e2e,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1] if len(sys.argv) > 1 else "test"](*sys.argv[2:])
