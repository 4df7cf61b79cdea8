"""policies/tls.py and scripts/certs.py on their own: what each setting turns into."""

import pickle
import ssl
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509

from policies.tls import MINIMUM_VERSION, postgres_connection, uvicorn_options
from scripts.certs import ensure_certs
from tests.tls.conftest import Certs

pytestmark = [pytest.mark.tls, pytest.mark.unit]


async def _app(scope: object, receive: object, send: object) -> None:
    return None


def test_uvicorn_serves_tls13_minimum_only_with_our_factory(certs: Certs) -> None:
    cert, key = str(certs.files.server_cert), str(certs.files.server_key)
    ours = uvicorn.Config(_app, **uvicorn_options(cert, key))
    ours.load()
    assert ours.ssl is not None
    assert ours.ssl.minimum_version == ssl.TLSVersion.TLSv1_3
    # uvicorn's own context would accept older versions: the factory is what refuses them.
    default = uvicorn.Config(_app, ssl_certfile=cert, ssl_keyfile=key)
    default.load()
    assert default.ssl is not None
    assert default.ssl.minimum_version < ssl.TLSVersion.TLSv1_3
    # With PROXY_WORKERS > 1 uvicorn pickles its config into each worker process.
    options = uvicorn_options(cert, key)
    assert pickle.loads(pickle.dumps(options)) == options  # noqa: S301 (our own bytes)


def test_uvicorn_without_files_is_plain_http_and_half_a_pair_is_an_error() -> None:
    assert uvicorn_options("", "") == {}
    with pytest.raises(ValueError, match="both"):
        uvicorn_options("/etc/cert.pem", "")


def test_postgres_url_without_tls_parameters_is_left_alone() -> None:
    url = "postgresql://app:pw@127.0.0.1:5432/konstruct?application_name=x"
    assert postgres_connection(url) == (url, {})
    plain, args = postgres_connection("postgresql://app@127.0.0.1/k?sslmode=disable")
    assert (plain, args) == ("postgresql://app@127.0.0.1/k", {"ssl": False})


def test_postgres_verify_full_becomes_a_verifying_tls13_context(certs: Certs) -> None:
    url = (
        "postgresql://app@db.internal:5432/k?application_name=x"
        f"&sslmode=verify-full&sslrootcert={certs.files.ca_cert}"
    )
    plain, args = postgres_connection(url)
    assert plain == "postgresql://app@db.internal:5432/k?application_name=x"
    context = args["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.minimum_version == MINIMUM_VERSION == ssl.TLSVersion.TLSv1_3
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert [c["subject"] for c in context.get_ca_certs()] == [
        ((("commonName", "Konstruct local CA"),),)
    ]


def test_cert_script_remakes_only_what_is_missing(tmp_path: Path) -> None:
    files, made = ensure_certs(tmp_path)
    assert made == [files.ca_cert, files.ca_key, files.server_cert, files.server_key]
    assert files.server_key.stat().st_mode & 0o777 == 0o600
    ca_before = files.ca_cert.read_bytes()
    files.server_cert.unlink()
    assert ensure_certs(tmp_path)[1] == [files.server_cert, files.server_key]
    assert files.ca_cert.read_bytes() == ca_before
    server = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    # A server certificate from another CA (the CA was replaced) is made again.
    files.ca_cert.unlink()
    assert ensure_certs(tmp_path)[1] == made
