"""``flask --app qc_platform qc …`` commands. Each command is one transaction."""

from __future__ import annotations

import json
from functools import wraps
from importlib import resources

import click
from flask import Flask
from flask.cli import AppGroup

from qc_platform.extensions import db

qc = AppGroup("qc", help="Quartieri Connessi commands.")


def transactional(command):
    """Commit when the command succeeds, roll back when it fails (the CLI's boundary)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise

    return wrapper


@qc.command("seed")
@click.option("--demo", is_flag=True, help="Also add demo users (never in production).")
@transactional
def seed(demo: bool) -> None:
    """Load the reference data (areas, spaces, complexes, organisations); idempotent."""
    from qc_platform.places import service as places

    created = places.seed_reference_data()
    click.echo("Reference data: " + ", ".join(f"{n} new {k}" for k, n in created.items()))
    if demo:
        from flask import current_app

        if current_app.config["QC_ENV"] == "production":
            raise click.ClickException("Refusing to load demo users with QC_ENV=production.")
        created_users = _seed_demo_users()
        click.echo(f"Demo users: {created_users} new (see README, 'Demo accounts').")


def _seed_demo_users() -> int:
    from qc_platform.accounts import service as accounts
    from qc_platform.core.permissions import Role, ScopeType
    from qc_platform.places import service as places

    demo = json.loads(resources.files("qc_platform.data").joinpath("demo.json").read_text())
    created = 0
    for entry in demo["users"]:
        user = accounts.find_user_by_email(entry["email"])
        if user is not None:
            continue
        user = accounts.register(
            email=entry["email"], password=demo["password"], display_name=entry["display_name"]
        )
        created += 1
        for grant in entry["roles"]:
            role = Role(grant["role"])
            scope_type, scope_id = None, None
            if "complex" in grant:
                scope_type, scope_id = (
                    ScopeType.COMPLEX,
                    places.find_complex_by_code(grant["complex"]).id,
                )
            elif "organisation" in grant:
                scope_type = ScopeType.ORGANISATION
                scope_id = places.find_organisation_by_slug(grant["organisation"]).id
            accounts.grant_role(
                actor=user, user=user, role=role, scope_type=scope_type, scope_id=scope_id
            )
    return created


@qc.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@transactional
def create_admin(email: str, password: str) -> None:
    """Create an admin, or promote an existing user to admin."""
    from marshmallow import ValidationError

    from qc_platform.accounts import service as accounts
    from qc_platform.accounts.schemas import RegisterSchema

    try:
        RegisterSchema().load({"email": email, "password": password, "display_name": "Admin"})
    except ValidationError as error:
        raise click.BadParameter(json.dumps(error.messages, ensure_ascii=False)) from None
    user = accounts.ensure_admin(email=email, password=password)
    click.echo(f"Admin ready: {user.email} (id {user.id}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(qc)
