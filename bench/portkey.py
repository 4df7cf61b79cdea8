"""Portkey's open-source AI gateway (`@portkey-ai/gateway` from npm) as a benchmark arm.

Installed by the benchmark itself, pinned, into `.run/portkey/` (its own package.json), with
`npm install` only when that version is not there yet: the only network use of a run. It
runs the script `npx @portkey-ai/gateway` runs (`build/start-server.js --port=N --headless`),
listening on 127.0.0.1 only (bench/portkey_loopback.mjs), one Node process, and is told the
provider per request as its docs show for an OpenAI-compatible server:
`x-portkey-provider: openai`, `x-portkey-custom-host: <base URL>/v1`, and the provider key
as the bearer token.
"""

import fcntl
import json
import shutil
import subprocess

from bench.common import ROOT, Child, base_env, free_port, log

VERSION = "1.15.2"
INSTALL_DIR = ROOT / ".run" / "portkey"
PACKAGE_DIR = INSTALL_DIR / "node_modules" / "@portkey-ai" / "gateway"
LOOPBACK = ROOT / "bench" / "portkey_loopback.mjs"


def installed_version() -> str | None:
    """The gateway's version in .run/portkey/, if an install there ran to its end."""
    manifest = PACKAGE_DIR / "package.json"
    # npm writes this file last, so an interrupted install does not count.
    if not (manifest.exists() and (INSTALL_DIR / "node_modules" / ".package-lock.json").exists()):
        return None
    version: str = json.loads(manifest.read_text())["version"]
    return version


def install() -> None:
    """`@portkey-ai/gateway@VERSION` into .run/portkey/, unless it is there already. Runs
    beside each other (parallel test workers' smoke runs) take turns: one installs."""
    INSTALL_DIR.parent.mkdir(parents=True, exist_ok=True)
    with (INSTALL_DIR.parent / "portkey.lock").open("a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        _install()


def _install() -> None:
    if installed_version() == VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install Portkey's gateway for the benchmark")
    INSTALL_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {
        "name": "konstruct-bench-portkey",
        "private": True,
        "description": "Portkey's gateway, installed by bench/portkey.py for make bench",
        "dependencies": {"@portkey-ai/gateway": VERSION},
    }
    (INSTALL_DIR / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"portkey: npm install @portkey-ai/gateway@{VERSION} into {INSTALL_DIR}")
    # Its only install script runs patch-package on patches its npm package does not ship.
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=INSTALL_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or installed_version() != VERSION:
        raise RuntimeError(f"npm install of Portkey's gateway failed:\n{done.stderr[-2000:]}")


def start() -> tuple[Child, str]:
    """Install if needed, then start it on a free loopback port: (process, base URL)."""
    install()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to run Portkey's gateway for the benchmark")
    port = free_port()
    env = {
        k: v
        for k, v in base_env().items()
        # It would send provider calls through an outbound proxy named here.
        if k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY")
    }
    # Production mode leaves out its log-viewer UI; only loopback hosts may be custom hosts.
    env.update(NODE_ENV="production", TRUSTED_CUSTOM_HOSTS="127.0.0.1")
    argv = [
        node,
        "--import",
        LOOPBACK.as_uri(),
        str(PACKAGE_DIR / "build" / "start-server.js"),
        f"--port={port}",
        "--headless",
    ]
    return Child("portkey", argv, env), f"http://127.0.0.1:{port}"


def headers(fake_url: str, provider_key: str) -> dict[str, str]:
    """What a client sends Portkey to reach an OpenAI-compatible server at `fake_url`."""
    return {
        "Authorization": f"Bearer {provider_key}",
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": f"{fake_url}/v1",
    }
