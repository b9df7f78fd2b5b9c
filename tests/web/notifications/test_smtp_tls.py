"""Mail through a server that demands STARTTLS and a login, as a county's mail server does: a real aiosmtpd on
127.0.0.1 with a certificate of its own test authority (DRAFTER_SMTP_CA_FILE) and a password check."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.servers import Mailbox, free_port
from tests.web.conftest import login, stop_app
from tests.web.notifications.conftest import mailing_app
from tests.web.notifications.test_notifications import decided

USER, PASSWORD = "drafter-versand", "Mail-Passwort-1"


def self_signed_certificate(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as PEM files; the certificate is its own authority."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test-Mailserver")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "mailserver.pem", folder / "mailserver.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


def _check_password(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert_file, key_file = self_signed_certificate(tmp_path_factory.mktemp("smtp-tls"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    mailbox = Mailbox(port=free_port())
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=mailbox.port,
        tls_context=context,
        require_starttls=True,
        authenticator=_check_password,
        auth_required=True,
    )
    controller.start()
    yield mailbox, cert_file
    controller.stop()


@pytest.mark.parametrize(("password", "delivered"), [(PASSWORD, True), ("falsch", False)])
def test_mail_goes_through_starttls_and_a_login_and_a_wrong_password_is_reported(
    tmp_path, knowledge_dir, embedder, tls_server, password, delivered
):
    mailbox, cert_file = tls_server
    app = mailing_app(tmp_path, knowledge_dir, embedder, mailbox.port)
    app.config.update(SMTP_STARTTLS=True, SMTP_CA_FILE=cert_file, SMTP_USER=USER, SMTP_PASSWORD=password)
    try:
        done = decided(app, f"tls-{delivered}", "changes", {"comment": "Bitte belegen."})
        mails = mailbox.to(done.addresses["sabine"])
        assert len(mails) == (1 if delivered else 0)
        if delivered:
            assert mails[0]["Subject"].startswith("Antwort 1a zurückgegeben")
        else:
            tasks = login(app, "admin").get("/tasks/").text
            assert "1 E-Mail nicht versandt" in tasks and "SMTPAuthenticationError" in tasks
    finally:
        stop_app(app)
