"""Portkey's gateway as the benchmark starts it: installed at its pinned version, loopback only."""

from pathlib import Path

import pytest

from bench import portkey

pytestmark = pytest.mark.slow


def listening_addresses(port: int) -> set[str]:
    """Local addresses of sockets listening on `port`, from the kernel's tables (Linux)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, port_hex = local.rpartition(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_portkey_gateway_is_the_pinned_version_and_listens_on_loopback_only() -> None:
    child, url = portkey.start()
    try:
        child.wait_healthy(f"{url}/", timeout=60)
        port = int(url.rsplit(":", 1)[1])

        # 0100007F is 127.0.0.1 as the kernel writes it; every interface would be 00000000
        # (or the all-zero IPv6 address in tcp6).
        assert listening_addresses(port) == {"0100007F"}
        assert portkey.installed_version() == portkey.VERSION
    finally:
        child.stop()
