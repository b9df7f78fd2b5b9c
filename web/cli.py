"""Command-line tasks for operators: `flask --app wsgi create-admin USERNAME`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from web import audit
from web.accounts.passwords import password_problem
from web.database import db
from web.models import Role, User


@click.command("create-admin")
@click.argument("username")
@click.option("--display-name", default="", help="Anzeigename (Standard: Benutzername).")
@click.option("--password-stdin", is_flag=True, help="Passwort aus der Standardeingabe lesen (für Skripte).")
@with_appcontext
def create_admin_command(username: str, display_name: str, password_stdin: bool) -> None:
    """Ein Administrationskonto anlegen (oder einem vorhandenen Konto die Administration geben)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")
    problem = password_problem(password, password, username)  # the rules of the web form, repeated by the prompt
    if problem:
        raise click.ClickException(problem)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        user = User(username=username, display_name=display_name or username, password_hash="")
        db.session.add(user)
    user.password_hash = generate_password_hash(password)
    user.active = True
    user.must_change_password = False
    user.set_roles(user.roles | {Role.ADMIN})
    db.session.flush()
    audit.record("admin_created", "user", user.id, username=user.username, via="cli")
    db.session.commit()
    click.echo(f"Administrationskonto „{user.username}“ ist bereit. Anmelden unter /login.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
