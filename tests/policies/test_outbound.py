"""The outbound rule: tools reach public addresses only (metadata never), whatever the spelling."""

from ipaddress import IPv6Address

import pytest

from policies.outbound import address_problem, embedded_ipv4, url_problem

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "shared"),
        ("192.0.2.10", "private"),  # documentation range: not global
        ("240.0.0.1", "private"),  # reserved
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        # IPv6 spellings of IPv4 addresses: judged as the IPv4 address they reach.
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:7f00:1::", "loopback"),
    ],
)
def test_internal_addresses_are_refused(address: str, reason: str) -> None:
    problem = address_problem(address)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_problem(address) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "::1", "::ffff:192.168.0.1"])
def test_the_platform_setting_admits_private_targets(address: str) -> None:
    assert address_problem(address, allow_private=True) is None


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "100.100.100.200"]
)
def test_metadata_stays_refused_when_private_targets_are_allowed(address: str) -> None:
    problem = address_problem(address, allow_private=True)
    assert problem is not None
    assert "metadata" in problem


def test_embedded_ipv4_is_only_found_where_there_is_one() -> None:
    assert str(embedded_ipv4(IPv6Address("::ffff:1.2.3.4"))) == "1.2.3.4"
    assert embedded_ipv4(IPv6Address("::1")) is None
    assert embedded_ipv4(IPv6Address("2606:4700::1111")) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("gopher://example.com/", "http:// or https://"),
        ("http://user:pw@example.com/", "credentials"),
        ("http:///nohost", "no host"),
        ("http://example.com:99999/", "port"),
        ("http://exa mple.com/", "whitespace"),
        ("http://localhost:8080/", "internal host name"),
        ("http://api.localhost/", "internal host name"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://127.0.0.1:4000/admin", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://10.0.0.1/", "private"),
        ("http://example.com/" + "a" * 2100, "longer than"),
    ],
)
def test_urls_are_refused_for_their_shape_or_host(url: str, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    "url",
    ["https://api.example.com/orders/{order_id}", "http://8.8.8.8/x?y=1", "HTTPS://Example.com/"],
)
def test_public_urls_pass_before_resolution(url: str) -> None:
    assert url_problem(url) is None


def test_metadata_host_names_are_refused_when_private_targets_are_allowed() -> None:
    assert url_problem("http://localhost:1/", allow_private=True) is None
    problem = url_problem("http://metadata.google.internal/", allow_private=True)
    assert problem is not None
    assert "metadata" in problem
