"""Anonymity: an anonymous report never reveals its sender to anyone but the sender.

A scene is played through the API of an app that really sends e-mail (to aiosmtpd on
127.0.0.1): anonymous reports by a tenant and, on a tenant's behalf, by a custodian;
comments of the senders, answers, internal notes, supports, reassignment, escalation with
a clock a month ahead, an outcome. Then every role calls every feedback GET endpoint
(found in the URL map, so a new one is scanned without editing this file), and every
response body, stored notification, e-mail and log record is searched for the senders'
ids (in person objects and user-id fields), names and e-mail addresses. Only the sender's
own responses, notifications and e-mails may hold the sender.

Two senders also handle their report: a custodian of the complex (who answers it from the
start) and a member of its committee (who comments as its sender, and answers as its
handler once staff hand it to the committee). What they write as a handler is named like
every handler's answer, and only there may their name appear; nothing shows that the
handler is the sender (an answer without its author, a first answer that does not count,
a file that looks unlike the other handlers' files, an audit row unlike theirs).
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import select
from werkzeug.routing import AnyConverter

from qc_platform.accounts.models import User
from qc_platform.core.audit import AuditEntry
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import FeedbackCategory, Report, ReportAttachment
from qc_platform.notifications import mailer
from qc_platform.notifications.models import Notification, OutgoingEmail
from tests.accounts.factories import bearer, persist, user_with_roles
from tests.conftest import make_test_app
from tests.feedback.factories import API, ROLES, World, build_world, tenant
from tests.notifications.test_email import SmtpServer, free_port

SENDER = {"display_name": "Zelinda Riservatissima", "email": "zelinda.riservata@example.org"}
SENDER_2 = {"display_name": "Ottavio Nascondiglio", "email": "ottavio.nascosto@example.org"}
# A tenant who also sits on another complex's committee: a role whose every write is
# audited, so the audit log must not tie them to their anonymous report either.
SENDER_3 = {"display_name": "Gervasia Incognitissima", "email": "gervasia.incognita@example.org"}
OFFICE = {"display_name": "Ufficio tecnico", "email": "ufficio.tecnico@example.org"}
# Senders who also handle their report: a custodian of the complex who lives there, and a
# member of the complex's own committee.
SENDER_4 = {"display_name": "Fortunata Celatissima", "email": "fortunata.celata@example.org"}
SENDER_5 = {"display_name": "Bonifacio Segretissimo", "email": "bonifacio.segreto@example.org"}
# The GET endpoints scanned: everything of feedback (reports, inbox, routing rules,
# committees, stats, attachments…), notifications, and the Open311 facade.
PREFIXES = ("/api/v1/feedback", "/api/v1/committees", "/api/v1/notifications", "/open311")
# Fields that name a user by id, wherever they appear.
USER_ID_KEYS = {
    "user_id",
    "reporter_id",
    "author_id",
    "submitted_by_id",
    "uploaded_by_id",
    "sender_id",
    "actor_id",
    "account_id",
    "on_behalf_of",
}
PERSON_KEYS = {"reporter", "author", "submitted_by", "uploaded_by", "sender", "user", "actor"}
SENDERS = ("reporter", "sender_2", "sender_3", "sender_4", "sender_5")
VIEWERS = (*ROLES, "sender_2", "sender_3", "sender_4", "sender_5")
# The capacities an update is written in besides the sender's ("reporter").
HANDLER_ROLES = {"custodian", "committee", "staff"}
# Who handles which report of the scene among the senders, and the colleague who handles
# it with them: (sender, report, colleague).
SENDER_HANDLERS = (
    ("sender_4", "custodian_handled", "custodian"),
    ("sender_5", "committee_handled", "committee_member"),
)


# --- fixtures: an app that sends e-mail, and the process-wide state it rewrites ---------


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(database_url, frontend_dist, tmp_path, smtp_server, extension_state):
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "mail-app",
        QC_SMTP_URL=smtp_server.url,
        QC_MAIL_BACKGROUND=False,
        QC_PUBLIC_URL="https://quartieri.example",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


# --- the scene -------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    label: str
    id: int
    name: str
    email: str

    def words(self) -> dict[str, str]:
        """What would give the sender away, in any spelling a file name might take."""
        surname = self.name.split()[-1]
        return {
            "name": self.name,
            "surname": surname,
            "e-mail": self.email,
            "e-mail name": self.email.split("@")[0],
        }


@dataclass
class Scene:
    world: World
    senders: dict[str, Identity]  # by role: SENDERS
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]
    reports: dict[str, int] = field(default_factory=dict)
    # Attachment ids by (uploader role, report).
    files: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def handler_ids(self) -> frozenset[int]:
        """Who may be named as the author of an update written as a handler."""
        roles = ("custodian", "committee_member", "staff", "admin", "sender_4", "sender_5")
        return frozenset(self.ids[role] for role in roles)

    def secrets_for(self, viewer: str | None) -> list[Identity]:
        """The senders ``viewer`` must never learn of (None: nobody in particular, a log)."""
        knows = {
            "reporter": {"reporter"},
            "sender_2": {"sender_2"},
            "sender_3": {"sender_3"},
            "sender_4": {"sender_4"},
            "sender_5": {"sender_5"},
            # The custodian typed sender 2's report for them: they know who it was.
            "custodian": {"sender_2"},
        }.get(viewer, set())
        return [identity for label, identity in self.senders.items() if label not in knows]

    def role_of(self, user_id: int) -> str:
        return {uid: role for role, uid in self.ids.items()}[user_id]

    def role_of_address(self, address: str) -> str:
        emails = {
            email.lower(): uid
            for uid, email in db.session.execute(select(User.id, User.email)).all()
        }
        return self.role_of(emails[address.lower()])


def _ok(response, expected=201):
    assert response.status_code == expected, response.get_json()
    return response.get_json()


def play(app) -> Scene:
    world = build_world(reporter=SENDER)
    sender_2 = tenant(world.complex_a, **SENDER_2)
    sender_3 = user_with_roles(
        ("tenant", "complex", world.complex_a),
        ("committee_member", "committee", world.committee_b),
        **SENDER_3,
    )
    sender_4 = user_with_roles(
        ("tenant", "complex", world.complex_a),
        ("custodian", "complex", world.complex_a),
        **SENDER_4,
    )
    sender_5 = user_with_roles(
        ("tenant", "complex", world.complex_a),
        ("committee_member", "committee", world.committee_a),
        **SENDER_5,
    )
    scene = Scene(
        world=world,
        senders={
            "reporter": Identity("reporter", world.ids["reporter"], **_named(SENDER)),
            "sender_2": Identity("sender_2", sender_2.id, **_named(SENDER_2)),
            "sender_3": Identity("sender_3", sender_3.id, **_named(SENDER_3)),
            "sender_4": Identity("sender_4", sender_4.id, **_named(SENDER_4)),
            "sender_5": Identity("sender_5", sender_5.id, **_named(SENDER_5)),
        },
        headers={
            **world.headers,
            **{
                label: bearer(user)
                for label, user in [
                    ("sender_2", sender_2),
                    ("sender_3", sender_3),
                    ("sender_4", sender_4),
                    ("sender_5", sender_5),
                ]
            },
        },
        ids={
            **world.ids,
            "sender_2": sender_2.id,
            "sender_3": sender_3.id,
            "sender_4": sender_4.id,
            "sender_5": sender_5.id,
        },
    )
    client = app.test_client()
    h = scene.headers

    def send(role, **body):
        values = {"description": "Descrizione della segnalazione.", "anonymous": True, **body}
        return _ok(client.post(f"{API}/feedback/reports", json=values, headers=h[role]))["id"]

    def update(role, report, **body):
        url = f"{API}/feedback/reports/{scene.reports[report]}/updates"
        return _ok(client.post(url, json=body, headers=h[role]))

    a = world.complex_a
    r = scene.reports
    # Anonymous reports: two of a tenant (public, private), one typed by the custodian
    # for another tenant; and a named one, the scan's control.
    r["public"] = send(
        "reporter",
        category="living-together",
        complex_id=a,
        title="Rumori dal cortile",
        visibility="public",
    )
    r["private"] = send(
        "reporter",
        category="maintenance",
        complex_id=a,
        title="Perdita in cantina",
        location_detail="Scala B, piano -1",
    )
    r["on_behalf"] = send(
        "custodian",
        category="safety",
        complex_id=a,
        title="Portone che non chiude",
        visibility="public",
        on_behalf_of=scene.ids["sender_2"],
    )
    r["committee_sender"] = send(
        "sender_3",
        category="cleaning",
        complex_id=a,
        title="Cantine allagate",
        visibility="public",
    )
    # Routed to the custodians of the complex, sender 4 among them.
    r["custodian_handled"] = send(
        "sender_4",
        category="maintenance",
        complex_id=a,
        title="Infiltrazioni dal tetto",
        visibility="public",
    )
    # Routed to the custodians; staff hand it to the committee sender 5 sits on (below).
    r["committee_handled"] = send(
        "sender_5",
        category="maintenance",
        complex_id=a,
        title="Citofono guasto",
        visibility="public",
    )
    r["named"] = send(
        "tenant",
        category="cleaning",
        complex_id=a,
        title="Scale sporche",
        anonymous=False,
        visibility="public",
    )

    update("reporter", "public", body="Anche stanotte fino alle tre.")
    update("reporter", "private", body="Ora l'acqua arriva al corridoio.")
    update("sender_2", "on_behalf", body="Grazie a chi l'ha scritta per me.")
    update("custodian", "public", body="Ne parliamo con gli inquilini.", status="acknowledged")
    update("committee_member", "public", body="Forse è il secondo piano.", internal=True)
    update("custodian", "on_behalf", body="Aggiungo: la serratura è rotta.")
    update("staff", "on_behalf", body="Mandiamo il fabbro.", status="in_progress")
    update("staff", "private", body="Nota: stessa perdita dell'anno scorso.", internal=True)
    update("reporter", "public", body="Grazie della risposta.")
    update("sender_3", "committee_sender", body="Serve una pompa.")
    update("custodian", "committee_sender", body="Chiamata la ditta.", status="resolved")
    # Sender 4 handles their own report, and answers it first.
    update(
        "sender_4", "custodian_handled", body="Ho chiamato il lattoniere.", status="acknowledged"
    )
    update("sender_4", "custodian_handled", body="Chiesto un preventivo.", internal=True)
    update("custodian", "custodian_handled", body="Arriva lunedì.", status="in_progress")
    # Sender 5 does not handle theirs yet: a comment as its sender.
    update("sender_5", "committee_handled", body="Non suona da una settimana.")

    for role, report in [
        ("tenant", "public"),
        ("tenant", "on_behalf"),
        ("reporter", "on_behalf"),
        ("sender_2", "public"),
        ("sender_3", "public"),
        ("reporter", "committee_sender"),
    ]:
        url = f"{API}/feedback/reports/{r[report]}/supports"
        _ok(client.post(url, headers=h[role]))

    for report, route_to in [
        ("public", "staff"),
        ("on_behalf", "committee"),
        ("committee_handled", "committee"),
    ]:
        url = f"{API}/feedback/reports/{r[report]}/reassign"
        _ok(client.post(url, json={"route_to": route_to}, headers=h["staff"]), 200)
    # Now sender 5 handles their report: they answer it first, as its handler.
    update(
        "sender_5", "committee_handled", body="Ne parliamo alla riunione.", status="acknowledged"
    )
    update("committee_member", "committee_handled", body="Scritto al gestore.")

    with app.app_context():
        escalated = feedback.escalate_overdue(now=utcnow() + timedelta(days=30))
        persist()
    assert r["private"] in {report.id for report in escalated}

    update("staff", "public", body="Risolto con un incontro.", status="resolved")
    outcome = f"{API}/feedback/reports/{r['public']}/outcome"
    _ok(client.post(outcome, json={"solved": False, "satisfaction": 2}, headers=h["reporter"]), 200)
    update("reporter", "public", body="Il rumore continua.")
    outcome = f"{API}/feedback/reports/{r['committee_sender']}/outcome"
    _ok(client.post(outcome, json={"solved": True, "satisfaction": 5}, headers=h["sender_3"]), 200)
    update("committee_member", "committee_handled", body="Riparato.", status="resolved")
    outcome = f"{API}/feedback/reports/{r['committee_handled']}/outcome"
    _ok(client.post(outcome, json={"solved": True, "satisfaction": 4}, headers=h["sender_5"]), 200)

    if _has_route(app, "POST", "/api/v1/feedback/reports/<int:report_id>/attachments"):
        # Files whose names and metadata carry the sender: none of it may reach others.
        for role, report, name, data in [
            ("reporter", "public", "Zelinda Riservatissima (foto).png", _png(SENDER)),
            ("sender_2", "on_behalf", "ottavio.nascosto@example.org.jpg", _jpeg(SENDER_2)),
            ("reporter", "private", "Riservatissima.png", _png(SENDER)),
            ("sender_3", "committee_sender", "gervasia.png", _png(SENDER_3)),
            # Files of the two handlers of sender 4's report: sender 4's, and their colleague's.
            ("sender_4", "custodian_handled", "Celatissima tetto.png", _png(SENDER_4)),
            ("custodian", "custodian_handled", "sopralluogo tetto.png", _png(OFFICE)),
        ]:
            url = f"{API}/feedback/reports/{r[report]}/attachments"
            files = {"file": (io.BytesIO(data), name)}
            response = client.post(
                url, data=files, headers=h[role], content_type="multipart/form-data"
            )
            scene.files[(role, report)] = _ok(response)["id"]

    while mailer.send_due(app)["sent"]:
        pass
    return scene


def _has_route(app, method: str, path: str) -> bool:
    return any(r.rule == path and method in r.methods for r in app.url_map.iter_rules())


def _png(person: dict) -> bytes:
    """A photo with the sender's name in its text metadata."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", person["display_name"])
    info.add_text("Comment", person["email"])
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg(person: dict) -> bytes:
    """A photo with the sender's name as its EXIF artist and owner."""
    exif = Image.Exif()
    exif[0x013B] = person["display_name"]  # Artist
    exif[0x8298] = person["email"]  # Copyright
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _named(values: dict) -> dict:
    return {"name": values["display_name"], "email": values["email"]}


# --- the scan --------------------------------------------------------------------------


def _user_ids_in(data) -> Iterator[tuple[str, int]]:
    """(where, id) of every user id in a JSON document: person objects and user-id fields."""
    if isinstance(data, dict):
        if "display_name" in data or "email" in data:
            yield "person", data.get("id")
        for key, value in data.items():
            if key in USER_ID_KEYS | PERSON_KEYS and isinstance(value, int):
                yield key, value
            else:
                yield from _user_ids_in(value)
    elif isinstance(data, list):
        for item in data:
            yield from _user_ids_in(item)


def _document(text: str):
    """The JSON document of a text (a response: its headers, a blank line, its body), or None."""
    try:
        return json.loads(text.split("\n\n", 1)[-1])
    except ValueError:
        return None


def _without_handler_authors(data, handlers: frozenset[int]):
    """``data`` without the authors of updates written as a handler by one of ``handlers``.

    A sender who handles their report is named there, like every handler, and only there.
    """
    if isinstance(data, dict):
        author = data.get("author")
        if (
            data.get("author_role") in HANDLER_ROLES
            and isinstance(author, dict)
            and author.get("id") in handlers
        ):
            data = {**data, "author": "(a handler)"}
        return {key: _without_handler_authors(value, handlers) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_handler_authors(item, handlers) for item in data]
    return data


def unlike_handlers(data, handlers: frozenset[int]) -> Iterator[str]:
    """Updates written as a handler that do not look like every handler's: named, by a handler."""
    if isinstance(data, dict):
        if data.get("author_role") in HANDLER_ROLES and "author" in data:
            author = data["author"]
            if not isinstance(author, dict) or set(author) != {"id", "display_name"}:
                yield f"update {data.get('id')} written as {data['author_role']}: author {author}"
            elif author["id"] not in handlers:
                yield f"update {data.get('id')} written as {data['author_role']} by a non-handler"
        for value in data.values():
            yield from unlike_handlers(value, handlers)
    elif isinstance(data, list):
        for item in data:
            yield from unlike_handlers(item, handlers)


def leaks(text: str, secrets: list[Identity], handlers: frozenset[int] = frozenset()) -> list[str]:
    """What of ``secrets`` the text gives away (``handlers`` may be named as handlers)."""
    found = []
    data = _document(text)
    if data is not None:
        data = _without_handler_authors(data, handlers)
        head = text.split("\n\n", 1)[:-1]
        text = "\n\n".join([*head, json.dumps(data, ensure_ascii=False)])
    lowered = text.lower()
    for secret in secrets:
        for what, word in secret.words().items():
            if word.lower() in lowered:
                found.append(f"{what} of {secret.label}")
        if re.search(
            rf"(user|reporter|author|sender)\W{{0,3}}(id\W{{0,3}})?{secret.id}\b", lowered
        ):
            found.append(f"id of {secret.label} (text)")
    if data is None:
        return found
    ids = {secret.id: secret.label for secret in secrets}
    found += [f"id of {ids[uid]} ({where})" for where, uid in _user_ids_in(data) if uid in ids]
    return found


def _values(app, scene: Scene, rule) -> dict[str, list]:
    """What to fill each argument of a GET rule with; unknown arguments raise."""
    with app.app_context():
        codes = list(db.session.scalars(select(FeedbackCategory.code)))
        reports = list(db.session.scalars(select(Report.id)))
        attachments = list(db.session.scalars(select(ReportAttachment.id)))
    known = {
        "report_id": reports,
        "request_id": reports,
        "service_request_id": reports,
        "committee_id": [scene.world.committee_a, scene.world.committee_b],
        "complex_id": [scene.world.complex_a],
        "service_code": codes,
        "category": codes,
        "attachment_id": attachments,
        "token": ["0123456789abcdef"],  # Open311 tokens: none is issued here
        "rest": ["requests/unknown.json"],  # Open311's catch-all of unknown paths
    }
    values = {}
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)
        elif name in known:
            values[name] = known[name]
        else:
            raise AssertionError(
                f"{rule.rule}: teach the anonymity scan what to put in <{name}> "
                "(tests/feedback/test_anonymity.py, _values)"
            )
    return values


def get_urls(app, scene: Scene) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or not rule.rule.startswith(PREFIXES):
            continue
        values = _values(app, scene, rule)
        names = sorted(values)
        for combination in itertools.product(*(values[n] for n in names)):
            built = rule.build(dict(zip(names, combination, strict=True)))
            assert built is not None, rule.rule
            urls.append(built[1])
    return urls


def responses(client, url: str, headers: dict[str, str]) -> Iterator[tuple[str, int, str]]:
    """(url, status, body) of a GET and of every further page it points to."""
    query: dict[str, str] = {}
    for _ in range(50):
        response = client.get(url, headers=headers, query_string=query)
        # Headers too (a download's file name travels in Content-Disposition); the body
        # as it comes, binary files included.
        head = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
        body = response.get_data().decode("utf-8", errors="replace")
        yield url, response.status_code, f"{head}\n\n{body}"
        data = response.get_json(silent=True)
        cursor = data.get("next_cursor") if isinstance(data, dict) else None
        if not cursor:
            return
        query = {"cursor": cursor}
    raise AssertionError(f"{url}: more than 50 pages")


# --- the tests -------------------------------------------------------------------------


@pytest.fixture
def scene(mail_app, caplog):
    caplog.set_level(logging.DEBUG, logger="qc_platform")
    return play(mail_app)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_response_of_any_feedback_endpoint_reveals_the_sender(mail_app, scene, viewer):
    client = mail_app.test_client()
    headers = scene.headers.get(viewer, {})
    secrets = scene.secrets_for(viewer)
    urls = get_urls(mail_app, scene)
    assert any(url.endswith("/updates") for url in urls)  # the scan reaches the trails

    found, statuses = [], {}
    for url in urls:
        for page_url, status, body in responses(client, url, headers):
            statuses[page_url] = status
            found += [
                f"{page_url} ({status}): {leak}" for leak in leaks(body, secrets, scene.handler_ids)
            ]
            found += [
                f"{page_url} ({status}): {odd}"
                for odd in unlike_handlers(_document(body), scene.handler_ids)
            ]
    assert not found, "\n".join(found)

    # The scan saw the anonymous reports wherever the viewer may see them.
    if viewer in ("staff", "admin", "custodian", "reporter"):
        for report in ("public", "on_behalf"):
            assert statuses[f"{API}/feedback/reports/{scene.reports[report]}/updates"] == 200


def test_the_sender_sees_themself_and_the_scan_would_notice(mail_app, scene):
    """Controls: the same scan does find a sender where they may be shown."""
    client = mail_app.test_client()
    r = scene.reports
    everyone = list(scene.senders.values())

    def body(role, report, suffix=""):
        url = f"{API}/feedback/reports/{r[report]}{suffix}"
        response = client.get(url, headers=scene.headers[role])
        assert response.status_code == 200, (role, report)
        return response.get_data(as_text=True)

    assert set(leaks(body("reporter", "public"), everyone)) == {
        "name of reporter",
        "surname of reporter",
        "id of reporter (person)",
    }
    assert "id of reporter (person)" in leaks(body("reporter", "public", "/updates"), everyone)
    assert "id of sender_2 (person)" in leaks(body("sender_2", "on_behalf"), everyone)
    # The custodian who typed it knows, and is told.
    detail = json.loads(body("custodian", "on_behalf"))
    assert detail["reporter"]["id"] == scene.ids["sender_2"]
    assert detail["submitted_on_behalf"] is True
    # Staff see the named report's sender; nobody but its sender sees an anonymous one's.
    named = json.loads(body("staff", "named"))
    assert named["reporter"]["id"] == scene.ids["tenant"]
    for report in ("public", "private", "on_behalf"):
        shown = json.loads(body("staff", report))
        assert (shown["anonymous"], shown["reporter"], shown["submitted_on_behalf"]) == (
            True,
            None,
            False,
        )


@pytest.mark.parametrize(("sender", "report", "colleague"), SENDER_HANDLERS)
def test_a_sender_who_handles_their_report_answers_like_any_handler(
    mail_app, scene, sender, report, colleague
):
    """Their answers are named like their colleague's, and the first of them is the report's
    first answer; what they wrote as its sender stays anonymous; their files look like their
    colleague's. Seen by everyone else who sees the report."""
    client = mail_app.test_client()
    url = f"{API}/feedback/reports/{scene.reports[report]}"
    who = {scene.ids[sender]: "sender", scene.ids[colleague]: "colleague"}
    seen_by = set()
    for viewer in VIEWERS:
        headers = scene.headers.get(viewer, {})
        shown = client.get(url, headers=headers)
        if viewer == sender or shown.status_code in (401, 404):
            continue
        assert shown.status_code == 200, (viewer, shown.get_json())
        seen_by.add(viewer)
        trail = client.get(f"{url}/updates", headers=headers).get_json()["items"]
        answers = [u for u in trail if u["author_role"] != "reporter"]
        assert [u["author"] is not None for u in answers] == [True] * len(answers), (viewer, trail)
        assert {who.get(u["author"]["id"]) for u in answers} == {"sender", "colleague"}, viewer
        assert len({u["author_role"] for u in answers}) == 1, (viewer, answers)
        as_sender = [u for u in trail if u["author_role"] == "reporter"]
        assert [u["author"] for u in as_sender] == [None] * len(as_sender), viewer
        # Sender 5 commented, and recorded the outcome, as its sender; sender 4 did not.
        assert len(as_sender) == {"sender_4": 0, "sender_5": 2}[sender], (viewer, trail)
        first = next(u for u in answers if not u["internal"])
        assert who[first["author"]["id"]] == "sender"
        assert shown.get_json()["first_responded_at"] == first["created_at"], viewer
        if (sender, report) in scene.files and viewer != colleague:  # (who sees their own)
            files = client.get(f"{url}/attachments", headers=headers).get_json()["items"]
            named = {f["id"]: not f["filename"].startswith("allegato-") for f in files}
            theirs, colleagues = scene.files[(sender, report)], scene.files[(colleague, report)]
            assert named[theirs] == named[colleagues], (viewer, files)
    assert {"tenant", colleague, "staff", "admin"} <= seen_by


def test_no_notification_e_mail_or_log_line_reveals_the_sender(
    mail_app, scene, smtp_server, caplog
):
    found = []
    with mail_app.app_context():
        notifications = list(db.session.scalars(select(Notification)))
        outbox = list(db.session.scalars(select(OutgoingEmail)))
        for notification in notifications:
            viewer = scene.role_of(notification.user_id)
            text = f"{notification.title}\n{notification.body}\n{notification.link}"
            found += [
                f"notification {notification.id} ({notification.kind}) to {viewer}: {leak}"
                for leak in leaks(text, scene.secrets_for(viewer))
            ]
        for email in outbox:
            viewer = scene.role_of_address(email.to_address)
            text = f"{email.to_address}\n{email.subject}\n{email.body}"
            found += [
                f"outbox {email.id} to {viewer}: {leak}"
                for leak in leaks(text, scene.secrets_for(viewer))
            ]
        for message in smtp_server.mailbox.messages:
            viewer = scene.role_of_address(message["To"])
            found += [
                f"e-mail '{message['Subject']}' to {viewer}: {leak}"
                for leak in leaks(message.as_string(), scene.secrets_for(viewer))
            ]
        # Escalation, routing and the answers were all notified, and e-mailed.
        kinds = {n.kind for n in notifications}
        assert {"feedback.routed", "feedback.escalated", "feedback.updated"} <= kinds
        recipients = {scene.role_of_address(m["To"]) for m in smtp_server.mailbox.messages}
        assert {"custodian", "committee_member", "staff", *SENDERS} <= recipients
        assert len(smtp_server.mailbox.messages) == len(outbox)

    everyone = scene.secrets_for(None)
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        found += [f"log {record.name}: {leak}" for leak in leaks(text, everyone)]
    assert not found, "\n".join(found)


def test_the_audit_log_does_not_tie_a_sender_to_their_anonymous_report(mail_app, scene):
    """The audit log names who did what; for an anonymous sender, not on their own report."""
    r = scene.reports
    own = {
        scene.ids["reporter"]: {r["public"], r["private"]},
        scene.ids["sender_2"]: {r["on_behalf"]},
        scene.ids["sender_3"]: {r["committee_sender"]},
        scene.ids["sender_4"]: {r["custodian_handled"]},
        scene.ids["sender_5"]: {r["committee_handled"]},
    }
    # A sender who handles their report is audited for what they did as its handler, as
    # every handler is (the row names a handler of the report, not its sender), and for
    # nothing they did as its sender: sending it, commenting before they handled it, the
    # outcome. Their rows look like their colleague's.
    files = ["report.attachment_add"] if scene.files else []
    as_handler = {
        (scene.ids["sender_4"], r["custodian_handled"]): [
            "report.update",
            "report.update",
            *files,
        ],
        (scene.ids["sender_5"], r["committee_handled"]): ["report.update"],
    }
    colleagues = {
        r["custodian_handled"]: scene.ids["custodian"],
        r["committee_handled"]: scene.ids["committee_member"],
    }
    found, handled, shapes = [], {}, {}
    with mail_app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    for entry in entries:
        refs = {entry.object_id} if entry.object_type == "report" else set()
        view_args = (entry.details or {}).get("view_args", {})
        if "report_id" in view_args:
            refs.add(int(view_args["report_id"]))
        shape = (entry.action, entry.object_type, sorted(entry.details))
        if entry.object_type == "report" and colleagues.get(entry.object_id) == entry.actor_id:
            shapes.setdefault(entry.object_id, []).append(shape)
        if (entry.actor_id, entry.object_id) in as_handler and refs == {entry.object_id}:
            handled.setdefault((entry.actor_id, entry.object_id), []).append(shape)
        elif refs & own.get(entry.actor_id, set()):
            found.append(f"audit {entry.id} {entry.action}: actor is the sender of {refs}")
        text = json.dumps(entry.details, ensure_ascii=False)
        found += [f"audit {entry.id}: {leak}" for leak in leaks(text, scene.secrets_for(None))]
    assert not found, "\n".join(found)
    for (actor_id, report_id), actions in as_handler.items():
        rows = handled.get((actor_id, report_id), [])
        assert [action for action, _, _ in rows] == actions
        assert all(shape in shapes[report_id] for shape in rows), (rows, shapes[report_id])
    # The sender's support of someone else's report is theirs to be audited for.
    supports = [e for e in entries if e.actor_id == scene.ids["sender_3"]]
    assert [e.details["view_args"]["report_id"] for e in supports] == [str(scene.reports["public"])]
