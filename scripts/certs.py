"""`make certs`: a local certificate authority and the server certificates TLS 1.3 needs.

Writes into .run/certs/ (git-ignored): `ca.pem` + `ca-key.pem` (the CA), `server.pem` +
`server-key.pem` (for localhost and 127.0.0.1, signed by the CA), and for
deploy/docker-compose.yml `compose/ca.crt` plus `compose/<server>/tls.crt` + `tls.key` for
each of its TLS servers, named as the compose services that are reached by that name
(the file names of a cert-manager Secret, as deploy/k8s mounts them). The CA's key never
goes into compose/. Running it again keeps what is still valid and names what it must,
and only makes what is missing, about to expire, from another CA or for other names; then
it prints the settings that switch TLS on. For development, tests and a single-host
compose: production certificates come from your own CA or your cloud's.
"""

import datetime
import ipaddress
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parent.parent
CERT_DIR = ROOT / ".run" / "certs"
SERVER_HOSTS = ("localhost", "127.0.0.1")
COMPOSE_DIR = CERT_DIR / "compose"
# deploy/docker-compose.yml's TLS servers → the names clients use for them. Every one also
# names localhost and 127.0.0.1: its healthcheck (and the proxy's call to itself) use those.
# nginx checks the replicas under their shared name (`proxy_ssl_name` in deploy/nginx.conf).
COMPOSE_SERVERS: dict[str, tuple[str, ...]] = {
    "postgres": ("postgres",),
    "redis": ("redis",),
    "proxy": ("proxy", "proxy-1", "proxy-2"),
    "bridge-web": ("bridge-web", "bridge-web-1", "bridge-web-2"),
    "portal": ("portal",),
    "lb": ("lb",),
}
CA_DAYS = 3650
SERVER_DAYS = 397
# A certificate this close to expiry is made again.
RENEW_BEFORE = datetime.timedelta(days=30)


@dataclass(frozen=True)
class CertFiles:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def in_dir(cls, directory: Path) -> "CertFiles":
        return cls(
            directory / "ca.pem",
            directory / "ca-key.pem",
            directory / "server.pem",
            directory / "server-key.pem",
        )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def make_ca(cert_path: Path, key_path: Path, name: str = "Konstruct local CA") -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    _write_key(key_path, key)
    _write_cert(cert_path, cert)


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def issue(
    ca: CertFiles, cert_path: Path, key_path: Path, hosts: Sequence[str], days: int = SERVER_DAYS
) -> None:
    """A server certificate for `hosts` at `cert_path`/`key_path`, signed by `ca`'s CA."""
    ca_cert = x509.load_pem_x509_certificate(ca.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(ca.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([_san(h) for h in hosts]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    _write_key(key_path, key)
    _write_cert(cert_path, cert)


def names(cert: x509.Certificate) -> list[str]:
    """The DNS names and IP addresses a certificate is valid for, as written."""
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [
        *alt.get_values_for_type(x509.DNSName),
        *map(str, alt.get_values_for_type(x509.IPAddress)),
    ]


def _still_valid(
    cert_path: Path, issuer_path: Path | None = None, hosts: Sequence[str] | None = None
) -> bool:
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if cert.not_valid_after_utc - RENEW_BEFORE < _now():
        return False
    if hosts is not None and sorted(names(cert)) != sorted(hosts):
        return False
    if issuer_path is None:
        return True
    issuer = x509.load_pem_x509_certificate(issuer_path.read_bytes())
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def ensure_certs(directory: Path = CERT_DIR) -> tuple[CertFiles, list[Path]]:
    """The CA and server files in `directory`, and which of them were (re)made now."""
    files = CertFiles.in_dir(directory)
    made: list[Path] = []
    if not (_still_valid(files.ca_cert) and files.ca_key.exists()):
        make_ca(files.ca_cert, files.ca_key)
        made += [files.ca_cert, files.ca_key]
    if not (_still_valid(files.server_cert, files.ca_cert) and files.server_key.exists()):
        issue(files, files.server_cert, files.server_key, SERVER_HOSTS)
        made += [files.server_cert, files.server_key]
    return files, made


def compose_hosts(server: str) -> tuple[str, ...]:
    return (*COMPOSE_SERVERS[server], *SERVER_HOSTS)


def ensure_compose_certs(directory: Path = CERT_DIR) -> tuple[Path, list[Path]]:
    """`directory`/compose for deploy/docker-compose.yml (the CA made first if needed), and
    which of its files were (re)made now."""
    files, made = ensure_certs(directory)
    compose = directory / "compose"
    ca_copy = compose / "ca.crt"
    compose.mkdir(parents=True, exist_ok=True)
    if not ca_copy.exists() or ca_copy.read_bytes() != files.ca_cert.read_bytes():
        ca_copy.write_bytes(files.ca_cert.read_bytes())
        made.append(ca_copy)
    for server in COMPOSE_SERVERS:
        cert, key = compose / server / "tls.crt", compose / server / "tls.key"
        hosts = compose_hosts(server)
        if not (_still_valid(cert, files.ca_cert, hosts) and key.exists()):
            issue(files, cert, key, hosts)
            made += [cert, key]
    return compose, made


def settings_text(files: CertFiles) -> str:
    return f"""\
Settings that switch TLS 1.3 on (add to .env; see README "Security"):
  KONSTRUCT_TLS_CERT_FILE={files.server_cert}
  KONSTRUCT_TLS_KEY_FILE={files.server_key}
  KONSTRUCT_TLS_CA_FILE={files.ca_cert}
  KONSTRUCT_PROXY_URL=https://127.0.0.1:4000
  KONSTRUCT_BRIDGE_URL=https://127.0.0.1:3001
  DATABASE_URL=postgresql://konstruct_app:konstruct_app@localhost:5432/konstruct?sslmode=verify-full&sslrootcert={files.ca_cert}
  DATABASE_ADMIN_URL=postgresql://postgres@localhost:5432/konstruct?sslmode=verify-full&sslrootcert={files.ca_cert}
  REDIS_URL=rediss://localhost:6380/0?ssl_ca_certs={files.ca_cert}
Postgres (postgresql.conf): ssl = on, ssl_cert_file = '{files.server_cert}',
  ssl_key_file = '{files.server_key}' (owned by postgres, mode 0600),
  ssl_min_protocol_version = 'TLSv1.3'; pg_hba.conf: hostssl rules only.
Redis: redis-server --port 0 --tls-port 6380 --tls-cert-file {files.server_cert} \\
  --tls-key-file {files.server_key} --tls-ca-cert-file {files.ca_cert} \\
  --tls-auth-clients no --tls-protocols "TLSv1.3"
Portal (Node) trusting the CA: NODE_EXTRA_CA_CERTS={files.ca_cert}
deploy/docker-compose.yml uses {files.ca_cert.parent / "compose"} as it is (README "Scale-out");
  browsers reach its load balancer at https://localhost:3000 once they trust {files.ca_cert}.
"""


def main() -> None:
    files = CertFiles.in_dir(CERT_DIR)
    _, made = ensure_compose_certs(CERT_DIR)
    for path in made:
        sys.stdout.write(f"certs: made {path.relative_to(ROOT)}\n")
    if not made:
        sys.stdout.write(f"certs: {CERT_DIR.relative_to(ROOT)} is up to date\n")
    sys.stdout.write(settings_text(files))


if __name__ == "__main__":
    main()
