"""`make certs`: a local certificate authority and a server certificate for TLS on this machine.

Writes into .run/certs/ (git-ignored): `ca.pem` + `ca-key.pem` (the CA), `server.pem` +
`server-key.pem` (for localhost and 127.0.0.1, signed by the CA). Running it again keeps
what is still valid and only makes what is missing or about to expire, then prints the
settings that switch TLS on. For development and tests only: production certificates
come from your own CA or your cloud's.
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


def make_server_cert(
    files: CertFiles, hosts: Sequence[str] = SERVER_HOSTS, days: int = SERVER_DAYS
) -> None:
    """A server certificate for `hosts`, signed by the CA in `files`."""
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
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
    _write_key(files.server_key, key)
    _write_cert(files.server_cert, cert)


def _still_valid(cert_path: Path, issuer_path: Path | None = None) -> bool:
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if cert.not_valid_after_utc - RENEW_BEFORE < _now():
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
        make_server_cert(files)
        made += [files.server_cert, files.server_key]
    return files, made


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
"""


def main() -> None:
    files, made = ensure_certs()
    for path in made:
        sys.stdout.write(f"certs: made {path.relative_to(ROOT)}\n")
    if not made:
        sys.stdout.write(f"certs: {files.ca_cert.parent.relative_to(ROOT)} is up to date\n")
    sys.stdout.write(settings_text(files))


if __name__ == "__main__":
    main()
