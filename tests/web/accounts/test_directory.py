"""Signing in with the county's directory, against a real OpenLDAP server (tests/web/accounts/conftest.py)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import ldap3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.web.accounts.conftest import (
    GROUP_BASE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    USER_BASE,
    USER_PASSWORD,
    free_port,
    group_dn,
    user_dn,
)
from tests.web.conftest import PASSWORD, csrf_token, make_app, post, seed_users, stop_app
from web.database import db
from web.models import AuditEntry, Role, User

GROUP_ROLES = ";".join(
    [
        f"{group_dn('drafter-staff')}=staff",
        f"{group_dn('drafter-reviewers')}=reviewer",
        # written as Active Directory returns DNs: upper-case names, spaces; compared folded
        "CN=Drafter-Admins, OU=groups, DC=talbach, DC=example=admin",
        f"{group_dn('drafter-curators')}=curator",
    ]
)


def directory_config(url: str, **extra) -> dict:
    return {
        "LDAP_URL": url,
        "LDAP_BIND_DN": SERVICE_DN,
        "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
        "LDAP_USER_BASE": USER_BASE,
        "LDAP_USER_FILTER": "(&(objectClass=inetOrgPerson)(uid={username}))",
        "LDAP_GROUP_ROLES": GROUP_ROLES,
        "LDAP_GROUP_UNITS": f"{group_dn('fb-bauen')}=Bauen und Umwelt",
        **extra,
    }


@pytest.fixture
def make_directory_app(tmp_path) -> Iterator:
    """Apps on a fresh database with the local test accounts, signing in against the given directory settings."""
    apps: list[Flask] = []

    def build(**config) -> Flask:
        folder = tmp_path / f"app{len(apps)}"
        app = make_app(folder / "instance", folder / "knowledge", None, **config)
        seed_users(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        stop_app(app)


@pytest.fixture
def ldap_app(make_directory_app, directory) -> Flask:
    return make_directory_app(**directory_config(directory.url))


def sign_in(app: Flask, username: str, password: str = USER_PASSWORD) -> tuple[FlaskClient, object]:
    client = app.test_client()
    return client, post(client, "/login", {"username": username, "password": password})


def account(app: Flask, username: str) -> SimpleNamespace:
    """What drafter keeps of an account, read after the request that changed it."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        fields = ("display_name", "email", "directory_dn", "password_hash", "roles")
        return SimpleNamespace(**{name: getattr(user, name) for name in fields}, units=[u.name for u in user.units])


def last_audit(app: Flask) -> tuple[str, dict]:
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        return entry.action, json.loads(entry.detail or "{}")


def test_a_directory_user_signs_in_and_gets_the_roles_and_units_of_their_groups(ldap_app):
    client, response = sign_in(ldap_app, "mmueller")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/tasks/")
    maria = account(ldap_app, "mmueller")
    assert maria.display_name == "Maria Müller"
    assert maria.email == "maria.mueller@talbach.example"
    assert maria.directory_dn == user_dn("mmueller")
    assert maria.roles == {Role.STAFF}
    assert maria.units == ["Bauen und Umwelt"]
    assert last_audit(ldap_app) == ("login", {"source": "directory"})

    _, response = sign_in(ldap_app, "pweber")
    assert response.status_code == 302
    assert account(ldap_app, "pweber").roles == {Role.STAFF, Role.REVIEWER}


def test_a_group_search_finds_groups_that_memberof_does_not_show(make_directory_app, directory):
    """pweber is in a groupOfUniqueNames, which the memberof overlay does not report: only the search sees it."""
    plain = make_directory_app(**directory_config(directory.url))
    searching = make_directory_app(
        **directory_config(directory.url, LDAP_GROUP_BASE=GROUP_BASE, LDAP_GROUP_FILTER="(uniqueMember={dn})")
    )
    for app in (plain, searching):
        assert sign_in(app, "pweber")[1].status_code == 302
    assert Role.CURATOR not in account(plain, "pweber").roles
    assert account(searching, "pweber").roles == {Role.STAFF, Role.REVIEWER, Role.CURATOR}


@pytest.mark.parametrize(
    ("username", "password", "message", "reason"),
    [
        ("mmueller", "Falsches-Passwort-9", "Benutzername oder Passwort ist falsch.", "wrong_password"),
        ("mmueller", "", "Benutzername oder Passwort ist falsch.", "wrong_password"),
        (
            "gesperrt",
            USER_PASSWORD,
            "Ihr Konto ist im Verzeichnisdienst deaktiviert oder gesperrt.",
            "directory_account_disabled",
        ),
        ("kschmidt", USER_PASSWORD, "Ihr Konto gehört zu keiner Gruppe, die drafter nutzen darf.", "no_mapped_group"),
        ("niemand", USER_PASSWORD, "Benutzername oder Passwort ist falsch.", "unknown_name"),
        ("mmueller)(uid=*", USER_PASSWORD, "Benutzername oder Passwort ist falsch.", "unknown_name"),
    ],
)
def test_refused_sign_ins_say_why_in_german_and_create_no_account(ldap_app, username, password, message, reason):
    client, response = sign_in(ldap_app, username, password)
    assert response.status_code == 401
    assert message in response.get_data(as_text=True)
    assert client.get("/inquiries/").status_code == 302  # still signed out
    with ldap_app.app_context():
        assert db.session.scalar(select(User).where(User.username == username)) is None
    action, detail = last_audit(ldap_app)
    assert action == "login_failed"
    assert detail["reason"] == reason


def test_active_directory_accounts_sign_in_by_samaccountname_unless_disabled(make_directory_app, directory):
    ad_filter = "(sAMAccountName={username})"
    app = make_directory_app(**directory_config(directory.url, LDAP_USER_FILTER=ad_filter))
    assert sign_in(app, "hbecker")[1].status_code == 302
    assert account(app, "hbecker").roles == {Role.STAFF}
    _, response = sign_in(app, "odeaktiv")  # userAccountControl 514: ACCOUNTDISABLE set
    assert response.status_code == 401
    assert "Ihr Konto ist im Verzeichnisdienst deaktiviert oder gesperrt." in response.get_data(as_text=True)


def test_a_service_account_the_directory_refuses_is_named_as_a_configuration_error(make_directory_app, directory):
    app = make_directory_app(**directory_config(directory.url, LDAP_BIND_PASSWORD="veraltet"))
    _, response = sign_in(app, "mmueller")
    assert response.status_code == 401
    assert "falsch eingerichtet (das Dienstkonto wurde abgelehnt)" in response.get_data(as_text=True)


def test_a_group_change_takes_effect_at_the_next_sign_in(ldap_app, directory):
    admin = directory.admin()
    werner = user_dn("wechsel")
    try:
        assert sign_in(ldap_app, "wechsel")[1].status_code == 302
        assert account(ldap_app, "wechsel").roles == {Role.STAFF}

        admin.modify(group_dn("drafter-staff"), {"member": [(ldap3.MODIFY_DELETE, [werner])]})
        admin.modify(group_dn("drafter-admins"), {"member": [(ldap3.MODIFY_ADD, [werner])]})
        client, response = sign_in(ldap_app, "wechsel")
        assert response.status_code == 302
        assert account(ldap_app, "wechsel").roles == {Role.ADMIN}
        assert client.get("/").headers["Location"].endswith("/admin/users")

        admin.modify(group_dn("drafter-admins"), {"member": [(ldap3.MODIFY_DELETE, [werner])]})
        _, response = sign_in(ldap_app, "wechsel")
        assert response.status_code == 401
        assert "keiner Gruppe, die drafter nutzen darf" in response.get_data(as_text=True)
    finally:
        admin.modify(group_dn("drafter-admins"), {"member": [(ldap3.MODIFY_DELETE, [werner])]})
        admin.modify(group_dn("drafter-staff"), {"member": [(ldap3.MODIFY_ADD, [werner])]})
        admin.unbind()
    with ldap_app.app_context():  # the same account each time, not a new one per sign-in
        assert len(db.session.scalars(select(User).where(User.directory_dn == werner)).all()) == 1


def test_a_directory_that_is_down_is_named_and_local_accounts_still_sign_in(make_directory_app):
    closed = free_port()  # nobody listens there
    app = make_directory_app(**directory_config(f"ldap://127.0.0.1:{closed}", LDAP_TIMEOUT=2))
    _, response = sign_in(app, "mmueller")
    assert response.status_code == 503
    assert "Der Verzeichnisdienst ist nicht erreichbar" in response.get_data(as_text=True)
    client, response = sign_in(app, "anna", PASSWORD)  # the local administrator
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/admin/users")


@pytest.mark.parametrize("encryption", ["StartTLS", "LDAPS"])
def test_encrypted_connections_verify_the_server_against_the_configured_ca(make_directory_app, directory, encryption):
    url, start_tls = (directory.url, True) if encryption == "StartTLS" else (directory.ldaps_url, False)
    trusted = make_directory_app(**directory_config(url, LDAP_START_TLS=start_tls, LDAP_CA_FILE=directory.ca_file))
    assert sign_in(trusted, "mmueller")[1].status_code == 302
    untrusted = make_directory_app(**directory_config(url, LDAP_START_TLS=start_tls))  # only the system's CAs
    _, response = sign_in(untrusted, "mmueller")
    assert response.status_code == 503
    assert "Der Verzeichnisdienst ist nicht erreichbar" in response.get_data(as_text=True)


def test_a_directory_account_cannot_change_its_password_in_drafter(ldap_app):
    client, _ = sign_in(ldap_app, "mmueller")
    client.logged_in, client.csrf = True, None
    page = client.get("/password").get_data(as_text=True)
    assert "Ihr Passwort ändern Sie" in page and 'name="new_password"' not in page
    data = {"current_password": USER_PASSWORD, "new_password": "Ganz-neues-Passwort-7", "repeat_password": ""}
    response = post(client, "/password", {**data, "repeat_password": data["new_password"]})
    assert response.status_code == 400
    assert "lässt sich nur dort ändern" in response.get_data(as_text=True)
    assert account(ldap_app, "mmueller").password_hash == "!verzeichnis"
    assert sign_in(ldap_app, "mmueller")[1].status_code == 302  # the directory's password still works


def test_the_administration_sees_a_directory_account_and_cannot_give_it_a_local_password(ldap_app):
    assert sign_in(ldap_app, "mmueller")[1].status_code == 302
    client, _ = sign_in(ldap_app, "anna", PASSWORD)
    client.logged_in, client.csrf = True, None
    assert "aus dem Verzeichnis" in client.get("/admin/users").get_data(as_text=True)
    with ldap_app.app_context():
        maria = db.session.scalar(select(User).where(User.username == "mmueller")).id
    page = client.get(f"/admin/users/{maria}").get_data(as_text=True)
    assert "Dieses Konto kommt aus dem Verzeichnisdienst" in page and "Vorläufiges Passwort erzeugen" not in page
    response = post(client, f"/admin/users/{maria}/password")
    assert response.status_code == 400
    assert "wird im Verzeichnisdienst verwaltet" in response.get_data(as_text=True)
    assert account(ldap_app, "mmueller").password_hash == "!verzeichnis"
    assert sign_in(ldap_app, "mmueller")[1].status_code == 302


def test_the_login_throttle_covers_directory_accounts(make_directory_app, directory):
    app = make_directory_app(**directory_config(directory.url), RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per hour")
    client = app.test_client()
    token = csrf_token(client)
    statuses = [
        client.post("/login", data={"username": "pweber", "password": "falsch", "csrf_token": token}).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    right = {"username": "pweber", "password": USER_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=right).status_code == 429  # even the right password waits


def test_a_mistake_in_the_group_mapping_stops_the_start(tmp_path, directory):
    with pytest.raises(ValueError, match="die Rolle „chef“ gibt es nicht"):
        make_app(tmp_path / "i", tmp_path / "k", None, **directory_config(directory.url, LDAP_GROUP_ROLES="cn=x=chef"))


def test_two_first_sign_ins_of_one_person_at_once_both_succeed_with_one_account(ldap_app):
    """Two tabs sign in a new directory user at the same moment: both look for the account, find none and create
    it. The database lets one insert through; the other sign-in must then use that account, not fail."""
    first_inserts, held = threading.Barrier(2), threading.Semaphore(2)

    def hold_the_first_two_inserts(conn, cursor, statement, parameters, context, executemany) -> None:
        # Both sign-ins have looked for the account and found none before either inserts it.
        if statement.lstrip().upper().startswith("INSERT INTO USERS ") and held.acquire(blocking=False):
            with contextlib.suppress(threading.BrokenBarrierError):
                first_inserts.wait(timeout=30)

    with ldap_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold_the_first_two_inserts)
    results: list[tuple[int, str]] = []

    def sign_in_tab() -> None:
        client, response = sign_in(ldap_app, "mmueller")
        results.append((response.status_code, client.get("/").headers.get("Location", "")))

    tabs = [threading.Thread(target=sign_in_tab) for _ in range(2)]
    try:
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
    finally:
        event.remove(engine, "before_cursor_execute", hold_the_first_two_inserts)
    assert [status for status, _ in results] == [302, 302]
    assert all(location.endswith("/tasks/") for _, location in results)  # both tabs are signed in
    with ldap_app.app_context():
        accounts = db.session.scalars(select(User).where(User.directory_dn == user_dn("mmueller"))).all()
        assert len(accounts) == 1 and accounts[0].roles == {Role.STAFF}
        assert [unit.name for unit in accounts[0].units] == ["Bauen und Umwelt"]
        logins = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()
        assert len(logins) == 2
