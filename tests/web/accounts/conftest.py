"""A real OpenLDAP server (Debian's slapd) for the directory sign-in tests, started once per session.

It runs on 127.0.0.1 on a free port in a temporary folder with its own slapd.conf: the mdb
backend, the memberof overlay (so users carry `memberOf` like in Active Directory, while the
groups stay searchable as groupOfNames) and the ppolicy overlay (a locked account has
`pwdAccountLockedTime`). The server has a certificate from a CA made here, for StartTLS and LDAPS (a port of its own).
"""

from __future__ import annotations

import ctypes
import datetime
import ipaddress
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = Path("/usr/sbin/slapd")
BASE = "dc=talbach,dc=example"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "Verwalter-Geheim-1"
SERVICE_DN = f"cn=drafter,ou=services,{BASE}"
SERVICE_PASSWORD = "Dienstkonto-Geheim-1"
USER_BASE = f"ou=people,{BASE}"
GROUP_BASE = f"ou=groups,{BASE}"
USER_PASSWORD = "Verzeichnis-Passwort-1"


def group_dn(name: str) -> str:
    return f"cn={name},{GROUP_BASE}"


def user_dn(uid: str) -> str:
    return f"uid={uid},{USER_BASE}"


# uid: (display name, e-mail, groups)
PEOPLE = {
    "mmueller": ("Maria Müller", "maria.mueller@talbach.example", ["drafter-staff", "fb-bauen"]),
    "pweber": ("Peter Weber", "peter.weber@talbach.example", ["drafter-staff", "drafter-reviewers"]),
    "kschmidt": ("Klaus Schmidt", "klaus.schmidt@talbach.example", ["kantine"]),
    "gesperrt": ("Gesa Sperling", "gesa.sperling@talbach.example", ["drafter-staff"]),
    "wechsel": ("Werner Wechsel", "werner.wechsel@talbach.example", ["drafter-staff"]),
}
GROUPS = ("drafter-staff", "drafter-reviewers", "drafter-admins", "fb-bauen", "kantine")
# Shaped like Active Directory's: sAMAccountName, and userAccountControl 512 (normal) or 514 (disabled).
AD_PEOPLE = {"hbecker": ("Hanna Becker", 512), "odeaktiv": ("Otto Deaktiv", 514)}
# A groupOfUniqueNames, which the memberof overlay leaves alone: only a group search finds its members.
UNIQUE_GROUP, UNIQUE_MEMBERS = "drafter-curators", ("pweber",)

_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
# The two attributes of Active Directory's user accounts that sign-in reads, with AD's OIDs (msuser.schema has
# them too, but would also bring AD's own memberOf and mandatory attributes no test needs).
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.1 NAME 'testADAccount' AUXILIARY MAY ( userAccountControl $ sAMAccountName ) )
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload ppolicy
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
TLSCACertificateFile {folder}/ca.pem
TLSCertificateFile {folder}/server.pem
TLSCertificateKeyFile {folder}/server.key
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {folder}/data
overlay memberof
overlay ppolicy
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by users read by * none
"""


@dataclass(frozen=True)
class Directory:
    """A running slapd: where it listens and the CA that signed its certificate."""

    url: str
    ldaps_url: str
    ca_file: Path

    def admin(self):
        """A connection as the directory's administrator, for changing users and groups in a test."""
        import ldap3

        return ldap3.Connection(ldap3.Server(self.url), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _end_with_the_tests() -> None:
    """In the child before slapd starts: the kernel ends slapd when the test process ends, even when it is killed."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _write_certificates(folder: Path) -> None:
    """A CA and a server certificate for 127.0.0.1 signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test-CA Landkreis Talbach")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key = server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "server.key").write_bytes(key)


def _load_entries(directory: Directory) -> None:
    connection = directory.admin()
    add = connection.add
    add(BASE, ["dcObject", "organization"], {"o": "Landkreis Talbach", "dc": "talbach"})
    for unit in ("people", "groups", "services"):
        add(f"ou={unit},{BASE}", ["organizationalUnit"], {"ou": unit})
    add(SERVICE_DN, ["applicationProcess", "simpleSecurityObject"], {"cn": "drafter", "userPassword": SERVICE_PASSWORD})
    for uid, (name, mail, _) in PEOPLE.items():
        first, last = name.split()
        attributes = {"cn": name, "sn": last, "givenName": first, "displayName": name, "mail": mail}
        add(user_dn(uid), ["inetOrgPerson"], {**attributes, "uid": uid, "userPassword": USER_PASSWORD})
    for name, (full_name, control) in AD_PEOPLE.items():
        attributes = {"sn": full_name.split()[1], "displayName": full_name, "sAMAccountName": name}
        attributes |= {"userAccountControl": str(control), "userPassword": USER_PASSWORD}
        add(f"cn={full_name},{USER_BASE}", ["inetOrgPerson", "testADAccount"], attributes)
        assert connection.result["result"] == 0, connection.result
    for group in GROUPS:
        members = [user_dn(uid) for uid, (_, _, groups) in PEOPLE.items() if group in groups] or [ADMIN_DN]
        if group == "drafter-staff":
            members += [f"cn={full_name},{USER_BASE}" for full_name, _ in AD_PEOPLE.values()]
        add(group_dn(group), ["groupOfNames"], {"cn": group, "member": members})
    members = [user_dn(uid) for uid in UNIQUE_MEMBERS]
    add(group_dn(UNIQUE_GROUP), ["groupOfUniqueNames"], {"cn": UNIQUE_GROUP, "uniqueMember": members})
    assert connection.result["result"] == 0, connection.result
    connection.modify(user_dn("gesperrt"), {"pwdAccountLockedTime": [("MODIFY_REPLACE", ["000001010000Z"])]})
    assert connection.result["result"] == 0, connection.result
    connection.unbind()


@pytest.fixture(scope="session")
def directory(tmp_path_factory) -> Iterator[Directory]:
    if not SLAPD.exists():
        pytest.fail("slapd fehlt: bitte scripts/setup ausführen (Debian-Pakete slapd und ldap-utils).")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    _write_certificates(folder)
    config = folder / "slapd.conf"
    config.write_text(_CONF.format(folder=folder, base=BASE, admin=ADMIN_DN, password=ADMIN_PASSWORD))
    port = free_port()
    url, ldaps_url = f"ldap://127.0.0.1:{port}", f"ldaps://127.0.0.1:{free_port()}"
    log = (folder / "slapd.log").open("w")
    # -d 0 keeps slapd in the foreground (no debug output), so the fixture owns the process and stops it.
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-f", config, "-h", f"{url} {ldaps_url}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_end_with_the_tests,
    )
    try:
        for _ in range(200):
            if process.poll() is not None:
                pytest.fail(f"slapd startete nicht: {(folder / 'slapd.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        server = Directory(url=url, ldaps_url=ldaps_url, ca_file=folder / "ca.pem")
        _load_entries(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
