"""Server-side sessions: a cookie is worth only as long as its session row lives.

Logout, a password change, "sign out everywhere", ending one session from the list and
the idle timeout all end sessions on the server: the same cookie, replayed, is then 401.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from qc_platform.accounts.models import TenancyVerification, User, UserSession
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db, socketio
from qc_platform.places.models import Complex
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.conftest import TEST_PASSWORD

API = "/api/v1"
COOKIE = "qc_session"
NEW_PASSWORD = "una-password-nuova"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Browser:
    """One browser: its own cookie jar, its CSRF token, its User-Agent."""

    def __init__(self, app, user_agent: str = FIREFOX_LINUX):
        self.client = app.test_client()
        self.headers = {"User-Agent": user_agent}
        self.csrf = ""

    def login(self, user, password: str = TEST_PASSWORD):
        response = self.client.post(
            f"{API}/auth/login",
            json={"email": user.email, "password": password},
            headers=self.headers,
        )
        assert response.status_code == 200, response.get_json()
        self.csrf = response.get_json()["csrf_token"]
        return self

    def get(self, path: str):
        return self.client.get(f"{API}{path}", headers=self.headers)

    def send(self, method: str, path: str, json=None):
        headers = {**self.headers, "X-CSRF-Token": self.csrf}
        return self.client.open(f"{API}{path}", method=method, json=json, headers=headers)

    def cookie(self) -> str:
        return self.client.get_cookie(COOKIE).value

    def me_status(self) -> int:
        return self.get("/auth/me").status_code


def replay(app, captured: Browser) -> Browser:
    """Another client carrying a copy of ``captured``'s cookie (a stolen or kept cookie)."""
    thief = Browser(app)
    thief.client.set_cookie(COOKIE, captured.cookie())
    thief.csrf = captured.csrf
    return thief


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def tenancy_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TenancyVerification))


def ask_tenancy(browser: Browser):
    return browser.send(
        "POST",
        "/tenancy-verifications",
        {"complex_id": complex_id("omero"), "tenancy_code": "MI-123456"},
    )


def audit_actions(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "user", AuditEntry.object_id == user_id)
            .order_by(AuditEntry.id)
        )
    )


# --- logout -----------------------------------------------------------------------------


def test_a_cookie_captured_before_logout_is_401_on_me_and_on_a_write(app):
    browser = Browser(app).login(UserFactory())
    kept = replay(app, browser)
    assert kept.me_status() == 200  # the copy works while the session lives

    assert browser.send("POST", "/auth/logout").status_code == 204

    assert kept.me_status() == 401
    assert ask_tenancy(kept).status_code == 401
    assert tenancy_count() == 0


def test_logout_ends_its_own_session_only(app):
    user = UserFactory()
    phone, laptop = Browser(app, SAFARI_IPHONE).login(user), Browser(app).login(user)
    kept = replay(app, phone)
    assert phone.send("POST", "/auth/logout").status_code == 204
    assert kept.me_status() == 401
    assert laptop.me_status() == 200
    assert [i["device"] for i in laptop.get("/auth/sessions").get_json()["items"]] == [
        "Firefox, Linux"
    ]


def test_a_cookie_signed_before_the_upgrade_is_signed_out(app):
    """A cookie of the old scheme (user id only, no session row) no longer authenticates."""
    user = UserFactory()
    serializer = app.session_interface.get_signing_serializer(app)
    old_cookie = serializer.dumps({"_user_id": str(user.id), "_fresh": True})
    client = app.test_client()
    client.set_cookie(COOKIE, old_cookie)
    assert client.get(f"{API}/auth/me").status_code == 401


def test_a_session_of_someone_else_does_not_authenticate_as_me(app):
    """The session secret belongs to one person: pasted next to another user id it is 401."""
    owner, other = UserFactory(), UserFactory()
    browser = Browser(app).login(owner)
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(browser.cookie())
    forged = serializer.dumps({**data, "_user_id": str(other.id)})
    client = app.test_client()
    client.set_cookie(COOKIE, forged)
    assert client.get(f"{API}/auth/me").status_code == 401


# --- the list of my sessions ------------------------------------------------------------


def test_my_sessions_are_listed_with_a_device_summary_and_the_current_one(app):
    user = UserFactory()
    phone = Browser(app, SAFARI_IPHONE).login(user)
    laptop = Browser(app, FIREFOX_LINUX).login(user)
    Browser(app).login(UserFactory())  # someone else's session is not mine

    response = laptop.get("/auth/sessions")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_cursor"] is None
    items = body["items"]
    assert len(items) == 2
    assert all(
        set(item) == {"id", "created_at", "last_seen_at", "device", "current"} for item in items
    )
    by_device = {item["device"]: item for item in items}
    assert set(by_device) == {"Safari, iOS", "Firefox, Linux"}
    assert by_device["Firefox, Linux"]["current"] is True
    assert by_device["Safari, iOS"]["current"] is False
    assert [i["current"] for i in phone.get("/auth/sessions").get_json()["items"]].count(True) == 1
    # Neither the User-Agent string nor any secret is stored (only browser and OS words).
    for row in db.session.execute(select(UserSession.__table__)).all():
        assert "Mozilla" not in str(row) and "Gecko" not in str(row)


def test_the_sessions_list_pages_with_a_cursor(app):
    user = UserFactory()
    browsers = [Browser(app).login(user) for _ in range(3)]
    first = browsers[0].get("/auth/sessions?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = browsers[0].get(f"/auth/sessions?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 3


def test_a_bearer_client_sees_the_sessions_none_of_them_current(app, client):
    user = UserFactory()
    Browser(app).login(user)
    items = client.get(f"{API}/auth/sessions", headers=bearer(user)).get_json()["items"]
    assert len(items) == 1 and items[0]["current"] is False


def test_ending_one_of_my_sessions_signs_that_browser_out(app):
    user = UserFactory()
    phone, laptop = Browser(app, SAFARI_IPHONE).login(user), Browser(app).login(user)
    phone_id = next(
        i["id"] for i in laptop.get("/auth/sessions").get_json()["items"] if not i["current"]
    )
    assert laptop.send("DELETE", f"/auth/sessions/{phone_id}").status_code == 204
    assert phone.me_status() == 401
    assert laptop.me_status() == 200
    assert [i["id"] for i in laptop.get("/auth/sessions").get_json()["items"]] != [phone_id]
    # Already ended: it is gone.
    assert laptop.send("DELETE", f"/auth/sessions/{phone_id}").status_code == 404
    assert "session.end" in audit_actions(user.id)


def test_someone_elses_session_is_404_and_stays_alive(app):
    owner, other = UserFactory(), UserFactory()
    owners = Browser(app).login(owner)
    owners_id = owners.get("/auth/sessions").get_json()["items"][0]["id"]
    intruder = Browser(app).login(other)
    assert intruder.send("DELETE", f"/auth/sessions/{owners_id}").status_code == 404
    assert owners.me_status() == 200


def test_sign_out_everywhere_ends_every_other_session(app):
    user = UserFactory()
    here = Browser(app).login(user)
    others = [Browser(app, SAFARI_IPHONE).login(user), Browser(app).login(user)]
    kept = replay(app, others[0])
    bystander = Browser(app).login(UserFactory())

    assert here.send("POST", "/auth/logout-everywhere").status_code == 204

    assert [b.me_status() for b in [*others, kept]] == [401, 401, 401]
    assert ask_tenancy(kept).status_code == 401
    assert here.me_status() == 200
    assert bystander.me_status() == 200
    assert [i["current"] for i in here.get("/auth/sessions").get_json()["items"]] == [True]
    assert "session.end_others" in audit_actions(user.id)


def test_sign_out_everywhere_from_a_token_ends_every_session(app, client):
    user = UserFactory()
    browser = Browser(app).login(user)
    headers = bearer(user)
    assert client.post(f"{API}/auth/logout-everywhere", headers=headers).status_code == 204
    assert browser.me_status() == 401
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 200


def test_a_live_connection_is_refused_after_sign_out_everywhere(app):
    user = UserFactory()
    here, there = Browser(app).login(user), Browser(app).login(user)
    socket = socketio.test_client(app, flask_test_client=there.client)
    assert socket.is_connected()
    socket.disconnect()
    assert here.send("POST", "/auth/logout-everywhere").status_code == 204
    refused = socketio.test_client(app, flask_test_client=there.client)
    assert not refused.is_connected()


# --- password change --------------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    user = UserFactory()
    here, elsewhere = Browser(app).login(user), Browser(app, SAFARI_IPHONE).login(user)
    kept, copy_of_here = replay(app, elsewhere), replay(app, here)
    old_hash = user.password_hash

    response = here.send(
        "POST",
        "/auth/password",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204

    assert elsewhere.me_status() == 401
    assert kept.me_status() == 401
    assert ask_tenancy(kept).status_code == 401
    assert here.me_status() == 200
    assert ask_tenancy(here).status_code == 201
    # This browser got a new cookie: a copy of the one it had before is worthless.
    assert copy_of_here.me_status() == 401
    assert db.session.get(User, user.id).password_hash != old_hash
    # The new password signs in, the old one no longer does.
    Browser(app).login(user, NEW_PASSWORD)
    old = Browser(app).client.post(
        f"{API}/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    assert old.status_code == 401
    assert "password.change" in audit_actions(user.id)


def test_a_wrong_current_password_is_403_and_changes_nothing(app):
    user = UserFactory()
    here, elsewhere = Browser(app).login(user), Browser(app).login(user)
    old_hash = db.session.get(User, user.id).password_hash
    response = here.send(
        "POST",
        "/auth/password",
        {"current_password": "non-è-questa", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
    assert elsewhere.me_status() == 200
    assert here.me_status() == 200
    # The failed attempt is audited (the request itself was rolled back).
    assert audit_actions(user.id) == ["password.change_failed"]


@pytest.mark.parametrize(
    "body",
    [
        {"current_password": TEST_PASSWORD, "new_password": "corta"},
        {"current_password": TEST_PASSWORD, "new_password": "x" * 257},
        {"current_password": TEST_PASSWORD},
        {"new_password": NEW_PASSWORD},
    ],
)
def test_a_bad_password_change_body_is_422_and_changes_nothing(app, body):
    user = UserFactory()
    here, elsewhere = Browser(app).login(user), Browser(app).login(user)
    old_hash = db.session.get(User, user.id).password_hash
    response = here.send("POST", "/auth/password", body)
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
    assert elsewhere.me_status() == 200


def test_a_password_change_needs_the_csrf_token(app):
    user = UserFactory()
    here = Browser(app).login(user)
    here.csrf = "not-the-token"
    response = here.send(
        "POST",
        "/auth/password",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 403
    Browser(app).login(user)  # the old password still works


# --- idle timeout -----------------------------------------------------------------------


def test_a_resident_session_ends_after_the_idle_time_and_activity_keeps_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "QC_SESSION_IDLE_MINUTES", 60)
    with time_machine.travel(T0, tick=False) as clock:
        user = UserFactory()
        active, idle = Browser(app).login(user), Browser(app).login(user)
        clock.shift(timedelta(minutes=50))
        assert active.me_status() == 200
        clock.shift(timedelta(minutes=50))  # 100 minutes after sign-in, 50 after last use
        assert active.me_status() == 200
        assert idle.me_status() == 401
        clock.shift(timedelta(minutes=61))
        assert active.me_status() == 401


def test_staff_and_admin_sessions_end_after_the_shorter_staff_idle_time(app):
    with time_machine.travel(T0, tick=False) as clock:
        staff = Browser(app).login(user_with_roles(("staff", None, None)))
        admin = Browser(app).login(user_with_roles(("admin", None, None)))
        custodian = Browser(app).login(user_with_roles(("custodian", "complex", 1)))
        resident = Browser(app).login(UserFactory())
        clock.shift(timedelta(minutes=119))
        assert staff.me_status() == 200
        clock.shift(timedelta(minutes=121))  # 240 minutes after sign-in, 121 after last use
        assert staff.me_status() == 401
        assert admin.me_status() == 401
        assert custodian.me_status() == 200
        assert resident.me_status() == 200


def test_the_staff_idle_time_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "QC_STAFF_SESSION_IDLE_MINUTES", 15)
    with time_machine.travel(T0, tick=False) as clock:
        staff = Browser(app).login(user_with_roles(("staff", None, None)))
        clock.shift(timedelta(minutes=16))
        assert staff.me_status() == 401


def test_last_seen_is_written_at_most_once_a_minute(app):
    with time_machine.travel(T0, tick=False) as clock:
        browser = Browser(app).login(UserFactory())
        clock.shift(timedelta(seconds=30))
        assert browser.me_status() == 200
        assert db.session.scalar(select(UserSession.last_seen_at)) == T0
        clock.shift(timedelta(seconds=40))
        assert browser.me_status() == 200
        assert db.session.scalar(select(UserSession.last_seen_at)) == T0 + timedelta(seconds=70)


def test_a_failed_request_still_counts_as_activity(app, monkeypatch):
    """The boundary rolls back a 4xx; the session's last use is kept all the same."""
    monkeypatch.setitem(app.config, "QC_SESSION_IDLE_MINUTES", 60)
    with time_machine.travel(T0, tick=False) as clock:
        user = UserFactory()
        browser, idle = Browser(app).login(user), Browser(app).login(user)
        clock.shift(timedelta(minutes=50))
        assert browser.get("/tenancy-verifications/999999").status_code == 404
        clock.shift(timedelta(minutes=50))
        assert browser.me_status() == 200
        assert idle.me_status() == 401
