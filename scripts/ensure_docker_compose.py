"""Install Debian's docker-compose (v1, needs no daemon) when missing: tests/deploy checks
deploy/docker-compose.yml with `docker-compose config`. Never prompts (CI, no stdin)."""

import os
import shutil
import subprocess
import sys

PACKAGE = "docker-compose"


def _run(cmd: list[str]) -> int:
    sys.stderr.write(f"docker-compose: {' '.join(cmd)}\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "CI": "true"}
    return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, check=False).returncode  # noqa: S603


def ensure() -> str:
    """The path of docker-compose, installed with apt-get first if needed; exits with the
    reason (and the command to run by hand) when it cannot be installed."""
    found = shutil.which(PACKAGE)
    if found:
        return found
    manual = f"install it by hand: sudo apt-get install -y {PACKAGE}"
    if shutil.which("apt-get") is None:
        raise SystemExit(f"docker-compose is missing and apt-get is unavailable; {manual}")
    if os.geteuid() == 0:
        sudo: list[str] = []
    elif shutil.which("sudo"):
        sudo = ["sudo", "-n"]  # -n: fail rather than ask for a password
    else:
        raise SystemExit(f"docker-compose is missing and this user is not root; {manual}")
    # The package recommends docker.io (the daemon); `docker-compose config` needs none of it.
    install = [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE]
    if _run(install) != 0:
        _run([*sudo, "apt-get", "update", "-qq"])  # stale package lists are the usual cause
        if _run(install) != 0:
            raise SystemExit(f"apt-get could not install {PACKAGE}; {manual}")
    found = shutil.which(PACKAGE)
    if not found:
        raise SystemExit(f"apt-get installed {PACKAGE} but it is not on PATH")
    return found


if __name__ == "__main__":
    sys.stdout.write(f"docker-compose: {ensure()}\n")
