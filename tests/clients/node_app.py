"""The Vercel AI SDK client (tests/clients/node) for tests: installed once, run as an app."""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.processes import ROOT
from tests.stack import TenantWorld

CLIENT = ROOT / "tests" / "clients" / "node"


@pytest.fixture(scope="session")
def node_client() -> Path:
    """tests/clients/node with its locked packages: `npm ci` when the lock changed since."""
    lock = CLIENT / "package-lock.json"
    stamp = CLIENT / "node_modules" / ".konstruct-installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    # Parallel workers (tests/workers.py) share the folder: one installs, the others wait.
    (ROOT / ".run").mkdir(exist_ok=True)
    with (ROOT / ".run" / "node-client.lock").open("a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != digest:
            installed = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=CLIENT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert installed.returncode == 0, installed.stderr[-4000:]
            stamp.write_text(digest)  # written last: an interrupted install is installed again
    return CLIENT / "client.mjs"


def run_app(
    script: Path, proxy_url: str, world: TenantWorld, api: str, **env: str
) -> dict[str, Any]:
    """The app's calls through one API, each call's printed result by its name."""
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the AI SDK client"
    done = subprocess.run(
        [node, str(script)],
        cwd=script.parent,
        env={
            "PATH": os.environ["PATH"],
            "KONSTRUCT_BASE_URL": f"{proxy_url}/v1",
            "KONSTRUCT_API_KEY": world.key,
            "KONSTRUCT_AGENT": world.agent["slug"],
            "KONSTRUCT_SDK_API": api,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    results = {
        result["call"]: result
        for result in map(json.loads, done.stdout.splitlines())
        if result["api"] == api
    }
    assert done.returncode == 0, (results, done.stderr[-4000:])
    return results
