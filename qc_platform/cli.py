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
    created = seed_reference_data()
    click.echo("Reference data: " + ", ".join(f"{n} new {k}" for k, n in created.items()))
    if demo:
        from flask import current_app

        if current_app.config["QC_ENV"] == "production":
            raise click.ClickException("Refusing to load demo users with QC_ENV=production.")
        created_users = _seed_demo_users()
        click.echo(f"Demo users: {created_users} new (see README, 'Demo accounts').")
        from qc_platform.activities import service as activities

        click.echo(f"Demo activities: {activities.seed_demo_activities()} new.")
        click.echo(f"Demo listings and services: {_seed_demo_content()} new.")


def seed_reference_data() -> dict[str, int]:
    """Every module's reference data (what ``qc seed`` loads); returns what was new."""
    from qc_platform.catalogue import service as catalogue
    from qc_platform.feedback import service as feedback
    from qc_platform.marketplace import service as marketplace
    from qc_platform.places import service as places

    created = places.seed_reference_data()
    created.update(feedback.seed_categories_and_routing())
    created.update(marketplace.seed_categories())
    created.update(catalogue.seed_categories())
    from qc_platform.activities import service as activities

    created.update(activities.seed_categories())
    return created


def _seed_demo_content() -> int:
    """A few listings of the demo tenant and services of the demo operator's organisation."""
    from sqlalchemy import select

    from qc_platform.accounts import service as accounts
    from qc_platform.catalogue import service as catalogue
    from qc_platform.catalogue.models import Service
    from qc_platform.core.seeding import load_data
    from qc_platform.extensions import db
    from qc_platform.marketplace import service as marketplace
    from qc_platform.marketplace.models import Listing
    from qc_platform.places.models import Organisation

    content = load_data("demo.json")["content"]
    created = 0
    for entry in content["listings"]:
        owner = accounts.find_user_by_email(entry.pop("owner"))
        if owner is None or db.session.scalar(
            select(Listing.id).where(Listing.owner_id == owner.id, Listing.title == entry["title"])
        ):
            continue
        marketplace.create_listing(owner=owner, data=entry)
        created += 1
    for entry in content["services"]:
        operator = accounts.find_user_by_email(entry.pop("operator"))
        organisation = db.session.scalar(
            select(Organisation.id).where(Organisation.slug == entry.pop("organisation"))
        )
        if operator is None or db.session.scalar(
            select(Service.id).where(Service.title == entry["title"])
        ):
            continue
        catalogue.create(user=operator, data={**entry, "organisation_id": organisation})
        created += 1
    return created


def _seed_demo_users() -> int:
    from qc_platform.accounts import service as accounts
    from qc_platform.accounts.roles import Role, ScopeType
    from qc_platform.places import service as places

    demo = json.loads(resources.files("qc_platform.data").joinpath("demo.json").read_text())
    created = 0
    for entry in demo["users"]:
        user = accounts.find_user_by_email(entry["email"])
        if user is not None:
            continue
        # Demo addresses count as verified, so the demo shows e-mail notifications.
        user = accounts.register(
            email=entry["email"],
            password=demo["password"],
            display_name=entry["display_name"],
            email_verified=True,
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
@click.option(
    "--password",
    required=True,
    help="At least 10 characters, not containing the e-mail's first part, not easy to guess.",
)
@transactional
def create_admin(email: str, password: str) -> None:
    """Create an admin, or promote an existing user to admin."""
    from marshmallow import ValidationError

    from qc_platform.accounts import service as accounts
    from qc_platform.accounts.passwords import WeakPassword
    from qc_platform.accounts.schemas import RegisterSchema
    from qc_platform.core.i18n import translate

    try:
        RegisterSchema().load({"email": email, "password": password, "display_name": "Admin"})
    except ValidationError as error:
        raise click.BadParameter(json.dumps(error.messages, ensure_ascii=False)) from None
    try:
        user = accounts.ensure_admin(email=email, password=password)
    except WeakPassword as weak:
        reason = " / ".join(translate(weak.message_key, locale) for locale in ("it", "en"))
        raise click.BadParameter(reason, param_hint="--password") from None
    click.echo(f"Admin ready: {user.email} (id {user.id}).")


@qc.command("escalate")
@transactional
def escalate_command() -> None:
    """Escalate reports whose first answer is overdue to staff (safe every minute from cron)."""
    from qc_platform.feedback import service as feedback

    escalated = feedback.escalate_overdue()
    click.echo(f"Escalated {len(escalated)} overdue reports.")


@qc.command("activities-extend")
@transactional
def activities_extend_command() -> None:
    """Create the sessions of recurring activities that entered the rolling horizon
    (QC_ACTIVITIES_HORIZON_DAYS); idempotent, for cron once a day."""
    from qc_platform.activities import service as activities

    totals = activities.extend_horizon()
    click.echo(f"{totals['sessions']} new sessions for {totals['activities']} activities.")


@qc.command("notify")
@click.option("--email", "emails", multiple=True, help="Recipient's e-mail (repeatable).")
@click.option("--role", "roles", multiple=True, help="Every holder of a global role: staff, admin.")
@click.option("--title", required=True, help="Title (at most 200 characters).")
@click.option("--body", default="", help="Text of the announcement.")
@click.option("--link", default=None, help="A path of the web app, e.g. /spazi/boccioni.")
@transactional
def notify_command(emails, roles, title, body, link) -> None:
    """Send a platform announcement: stored, live on Socket.IO, and by e-mail to who opted in."""
    from qc_platform.accounts import service as accounts
    from qc_platform.accounts.roles import Role
    from qc_platform.notifications.service import notify

    recipients = []
    for email in emails:
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.BadParameter(f"no user with e-mail {email}", param_hint="--email")
        recipients.append(user)
    for role in roles:
        if role not in {Role.STAFF, Role.ADMIN}:
            raise click.BadParameter("only staff or admin", param_hint="--role")
        recipients += accounts.users_with_role(Role(role))
    if not recipients:
        raise click.UsageError("Give at least one --email or --role.")
    if len(title) > 200 or not title.strip():
        raise click.BadParameter("1 to 200 characters", param_hint="--title")
    created = notify(
        recipients,
        "system.announcement",
        title_key="notifications.announcement.title",
        body_key="notifications.announcement.body",
        link=link,
        params={"title": title.strip(), "body": body.strip()},
    )
    click.echo(f"Notified {len(created)} people.")


@qc.command("send-mail")
def send_mail_command() -> None:
    """Send the e-mails that are due now (for cron; servers also send in the background)."""
    from flask import current_app

    from qc_platform.notifications import mailer

    if not current_app.config.get("QC_SMTP_URL"):
        raise click.ClickException("QC_SMTP_URL is not set: no e-mail is sent.")
    counts = mailer.send_due(current_app._get_current_object())
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


def init_app(app: Flask) -> None:
    app.cli.add_command(qc)
