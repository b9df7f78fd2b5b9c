"""Signing in with the county's directory (Active Directory or OpenLDAP), and the local account it keeps.

The service account (DRAFTER_LDAP_BIND_DN) finds the person by DRAFTER_LDAP_USER_FILTER under
DRAFTER_LDAP_USER_BASE; the password is verified by binding as that person, so drafter never
sees a hash. Roles (and, if configured, units) come only from groups: `memberOf` on the person
(Active Directory; OpenLDAP with the memberof overlay) and, when DRAFTER_LDAP_GROUP_BASE is set,
the groups found there by DRAFTER_LDAP_GROUP_FILTER (OpenLDAP without the overlay, nested AD
groups). Someone in no mapped group is refused, so „has access to drafter“ is a directory group.

An account is disabled when Active Directory's userAccountControl has bit 2 (ACCOUNTDISABLE) or
OpenLDAP's ppolicy locks it for good (pwdAccountLockedTime 000001010000Z); it is refused before its
password is tried, so drafter adds no failed attempt to a lock-out counter. Every sign-in rewrites name, e-mail,
roles and units of the local account from the directory: a group change takes effect at the
next sign-in, and what an administrator changes on such an account in drafter lasts only until then.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass

import ldap3
from flask import Flask, current_app
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import parse_dn
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from web.database import db
from web.models import Role, Unit, User

log = logging.getLogger(__name__)

ACCOUNT_DISABLED = 0x2  # userAccountControl: ACCOUNTDISABLE
LOCKED_FOR_GOOD = "000001010000Z"  # pwdAccountLockedTime of an account locked until an administrator unlocks it
UNUSABLE_PASSWORD = "!verzeichnis"  # no hash function produces this, so no local password matches it


class DirectoryRefusal(Exception):
    """A sign-in the directory did not allow; `message` is what the login page says."""

    reason = "directory_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongCredentials(DirectoryRefusal):
    reason = "wrong_password"


class UnknownName(WrongCredentials):
    """No account of that name, locally or in the directory: said like a wrong password."""

    reason = "unknown_name"


class AccountDisabled(DirectoryRefusal):
    reason = "directory_account_disabled"


class NoMappedGroup(DirectoryRefusal):
    reason = "no_mapped_group"


class DirectoryUnavailable(DirectoryRefusal):
    reason = "directory_unavailable"


WRONG = "Benutzername oder Passwort ist falsch."
UNAVAILABLE = (
    "Der Verzeichnisdienst ist nicht erreichbar, eine Anmeldung mit dem Windows-Konto ist gerade nicht möglich. "
    "Bitte versuchen Sie es in einigen Minuten erneut oder wenden Sie sich an die IT-Abteilung; "
    "lokale drafter-Konten können sich weiter anmelden."
)
MISCONFIGURED = (
    "Die Anmeldung über den Verzeichnisdienst ist falsch eingerichtet (das Dienstkonto wurde abgelehnt). "
    "Bitte wenden Sie sich an die Administration."
)
DISABLED = "Ihr Konto ist im Verzeichnisdienst deaktiviert oder gesperrt. Bitte wenden Sie sich an die IT-Abteilung."
OWN_PASSWORD = "Das Passwort eines Kontos aus dem Verzeichnisdienst lässt sich nur dort ändern, nicht in drafter."
NO_GROUP = (
    "Ihr Konto gehört zu keiner Gruppe, die drafter nutzen darf. "
    "Bitte lassen Sie sich von der IT-Abteilung in die passende Gruppe aufnehmen."
)


def normalize_dn(dn: str) -> str:
    """A DN as compared here: names and values folded, spaces around separators gone (Active Directory
    writes „CN=Drafter-Staff,OU=Gruppen“ where the configuration may say „cn=drafter-staff, ou=gruppen“)."""
    try:
        parts = parse_dn(dn, escape=False, strip=True)
    except ldap_errors.LDAPInvalidDnError:
        raise ValueError(f"„{dn}“ ist kein gültiger Verzeichnisname (DN).") from None
    return ",".join(f"{name.lower()}={value.lower()}" for name, value, _ in parts)


def parse_group_map(text: str, variable: str) -> dict[str, list[str]]:
    """Read "cn=a,ou=groups,dc=x=staff;cn=b,…=reviewer" as {normalized group DN: [values]}; a group may repeat."""
    mapping: dict[str, list[str]] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        group, separator, value = item.rpartition("=")
        if not separator or not group or not value.strip():
            raise ValueError(
                f"{variable}: „{item}“ ist ungültig; erwartet wird „Gruppen-DN=Wert“, z. B. "
                "„cn=drafter-staff,ou=groups,dc=example,dc=org=staff“, mehrere durch „;“ getrennt."
            )
        mapping.setdefault(normalize_dn(group), []).append(value.strip())
    return mapping


@dataclass(frozen=True)
class DirectorySettings:
    url: str
    bind_dn: str
    bind_password: str
    user_base: str
    user_filter: str
    group_roles: dict[str, set[Role]]
    group_units: dict[str, list[str]]
    group_base: str
    group_filter: str
    start_tls: bool
    ca_file: str
    timeout: int

    @classmethod
    def from_config(cls, config: dict) -> DirectorySettings | None:
        """None when no directory is configured (DRAFTER_LDAP_URL empty): only local accounts sign in."""
        if not config["LDAP_URL"]:
            return None
        roles: dict[str, set[Role]] = {}
        for group, names in parse_group_map(config["LDAP_GROUP_ROLES"], "DRAFTER_LDAP_GROUP_ROLES").items():
            unknown = [name for name in names if name not in {str(role) for role in Role}]
            if unknown:
                raise ValueError(
                    f"DRAFTER_LDAP_GROUP_ROLES: die Rolle „{unknown[0]}“ gibt es nicht; "
                    f"möglich sind {', '.join(str(role) for role in Role)}."
                )
            roles[group] = {Role(name) for name in names}
        if not roles:
            raise ValueError(
                "DRAFTER_LDAP_URL ist gesetzt, aber DRAFTER_LDAP_GROUP_ROLES ordnet keiner Gruppe eine Rolle zu; "
                "ohne diese Zuordnung könnte sich niemand aus dem Verzeichnis anmelden."
            )
        if "{username}" not in config["LDAP_USER_FILTER"]:
            raise ValueError("DRAFTER_LDAP_USER_FILTER muss {username} enthalten, z. B. (uid={username}).")
        return cls(
            url=config["LDAP_URL"],
            bind_dn=config["LDAP_BIND_DN"],
            bind_password=config["LDAP_BIND_PASSWORD"],
            user_base=config["LDAP_USER_BASE"],
            user_filter=config["LDAP_USER_FILTER"],
            group_roles=roles,
            group_units=parse_group_map(config["LDAP_GROUP_UNITS"], "DRAFTER_LDAP_GROUP_UNITS"),
            group_base=config["LDAP_GROUP_BASE"],
            group_filter=config["LDAP_GROUP_FILTER"],
            start_tls=config["LDAP_START_TLS"],
            ca_file=config["LDAP_CA_FILE"],
            timeout=config["LDAP_TIMEOUT"],
        )


def init_app(app: Flask) -> None:
    """Read the directory settings once, so that a mistake in them stops the start instead of the first sign-in."""
    app.extensions["drafter_directory"] = DirectorySettings.from_config(app.config)


def configured() -> bool:
    return current_app.extensions.get("drafter_directory") is not None


@dataclass(frozen=True)
class DirectoryPerson:
    """Who the directory says signed in: the entry's DN, name, e-mail and the groups found for it (normalized)."""

    dn: str
    display_name: str
    email: str | None
    groups: frozenset[str]


def _server(settings: DirectorySettings) -> ldap3.Server:
    tls = None
    if settings.url.lower().startswith("ldaps://") or settings.start_tls:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file or None)
    return ldap3.Server(settings.url, tls=tls, get_info=ldap3.NONE, connect_timeout=settings.timeout)


def _connect(settings: DirectorySettings, user: str, password: str) -> ldap3.Connection:
    """An open connection, upgraded with StartTLS when configured, and bound; raises ldap3's errors."""
    connection = ldap3.Connection(
        _server(settings), user=user, password=password, receive_timeout=settings.timeout, raise_exceptions=False
    )
    connection.open()
    if settings.start_tls:
        connection.start_tls()
    connection.bind()
    return connection


def _text(value: object) -> str:
    """An attribute value as text: without the schema (not read, to save a round trip) some arrive as bytes."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _first(entry: dict, name: str) -> str | None:
    values = entry.get(name) or []
    values = values if isinstance(values, list) else [values]
    return _text(values[0]) if values else None


def _group_keys(dns: list) -> set[str]:
    """The groups' DNs as compared with the configuration; one the server wrote oddly is left out, not fatal."""
    keys = set()
    for dn in dns:
        try:
            keys.add(normalize_dn(_text(dn)))
        except ValueError:
            log.warning("Gruppe %r aus dem Verzeichnis ist kein gültiger DN und wird übergangen.", dn)
    return keys


def _is_disabled(attributes: dict) -> bool:
    """Disabled by an administrator. A lock-out after failed attempts (a pwdAccountLockedTime with a time, AD's
    lockoutTime) is not: the directory lifts it itself, and refuses the bind until then."""
    control = _first(attributes, "userAccountControl")
    if control is not None and control.lstrip("-").isdigit() and int(control) & ACCOUNT_DISABLED:
        return True
    return _first(attributes, "pwdAccountLockedTime") == LOCKED_FOR_GOOD


def _find_person(connection: ldap3.Connection, settings: DirectorySettings, username: str) -> DirectoryPerson | None:
    search_filter = settings.user_filter.replace("{username}", escape_filter_chars(username))
    attributes = ["displayName", "cn", "mail", "memberOf", "userAccountControl", "pwdAccountLockedTime"]
    connection.search(settings.user_base, search_filter, attributes=attributes, size_limit=2)
    entries = [entry for entry in connection.response or [] if entry.get("type") == "searchResEntry"]
    if len(entries) != 1:  # none, or a filter that is not unique: nobody signs in as someone ambiguous
        if len(entries) > 1:
            log.warning("DRAFTER_LDAP_USER_FILTER findet mehrere Einträge für %r; Anmeldung abgelehnt.", username)
        return None
    entry, found = entries[0], entries[0]["attributes"]
    if _is_disabled(found):
        raise AccountDisabled(DISABLED)
    groups = _group_keys(found.get("memberOf") or [])
    if settings.group_base:
        group_filter = settings.group_filter.replace("{dn}", escape_filter_chars(entry["dn"]))
        group_filter = group_filter.replace("{username}", escape_filter_chars(username))
        connection.search(settings.group_base, group_filter, attributes=["cn"])
        groups |= _group_keys([group["dn"] for group in connection.response or [] if group.get("dn")])
    return DirectoryPerson(
        dn=entry["dn"],
        display_name=_first(found, "displayName") or _first(found, "cn") or username,
        email=_first(found, "mail"),
        groups=frozenset(groups),
    )


def authenticate(username: str, password: str) -> DirectoryPerson:
    """The directory's entry for `username` if `password` is theirs; raises a DirectoryRefusal with the reason."""
    settings: DirectorySettings = current_app.extensions["drafter_directory"]
    if not password:  # an empty password would be an unauthenticated bind, which directories accept
        raise WrongCredentials(WRONG)
    try:
        service = _connect(settings, settings.bind_dn, settings.bind_password)
        if not service.bound:
            log.error("Das Dienstkonto %s wurde vom Verzeichnisdienst abgelehnt: %s", settings.bind_dn, service.result)
            raise DirectoryRefusal(MISCONFIGURED)
        try:
            person = _find_person(service, settings, username)
        finally:
            service.unbind()
        if person is None:
            raise UnknownName(WRONG)
        own = _connect(settings, person.dn, password)
        verified = own.bound
        own.unbind()
    except (ldap_errors.LDAPCommunicationError, ldap_errors.LDAPStartTLSError, ldap_errors.LDAPSSLConfigurationError):
        log.exception("Verzeichnisdienst %s nicht erreichbar", settings.url)
        raise DirectoryUnavailable(UNAVAILABLE) from None
    if not verified:
        raise WrongCredentials(WRONG)
    if not person.groups & settings.group_roles.keys():
        raise NoMappedGroup(NO_GROUP)
    return person


def local_account(username: str) -> User | None:
    """A local account of that name: it signs in with its own password, even when the directory knows the name."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    return user if user is not None and user.directory_dn is None else None


def _units(names: list[str]) -> list[Unit]:
    """The units by name, created when missing: the directory's groups define them."""
    units = []
    for name in dict.fromkeys(names):
        unit = db.session.scalar(select(Unit).where(Unit.name == name))
        if unit is None:
            unit = Unit(name=name[:120])
            db.session.add(unit)
        units.append(unit)
    return units


def sync_account(username: str, person: DirectoryPerson) -> User:
    """The local account of a directory person, created at the first sign-in and updated at every one (uncommitted).

    Two first sign-ins of one person at the same time (two browser tabs, a double click) both find no
    account and both create it, or the unit of a new group; the database lets one through and refuses the
    other with its unique constraint, once the first is committed. The refused one then reads the account
    the other created and updates it like any later sign-in. Nothing else is pending at this point of the
    sign-in (the login throttle commits its count before), so the rollback loses nothing.
    """
    try:
        return _synced_account(username, person)
    except IntegrityError:
        db.session.rollback()
        return _synced_account(username, person)


def _synced_account(username: str, person: DirectoryPerson) -> User:
    settings: DirectorySettings = current_app.extensions["drafter_directory"]
    user = db.session.scalar(select(User).where(func.lower(User.directory_dn) == person.dn.lower()))
    if user is None:
        user = db.session.scalar(
            select(User).where(func.lower(User.username) == username.lower(), User.directory_dn.is_not(None))
        )
    if user is None:
        user = User(username=username[:80], password_hash=UNUSABLE_PASSWORD, display_name=person.display_name[:200])
        db.session.add(user)
    user.directory_dn = person.dn
    user.display_name = person.display_name[:200]
    if person.email:  # an entry without one keeps the address the administration entered
        user.email = person.email[:254]
    user.must_change_password = False  # the password is the directory's
    user.set_roles(set().union(*(settings.group_roles.get(group, set()) for group in person.groups)))
    if settings.group_units:
        user.units = _units([name for group in sorted(person.groups) for name in settings.group_units.get(group, [])])
    db.session.flush()
    return user
