"""``notify`` and the flows that use it; nothing is announced about work that rolled back."""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.core.errors import Conflict
from qc_platform.extensions import db
from qc_platform.notifications.models import Notification, NotificationPreference
from qc_platform.notifications.service import notify
from qc_platform.places.models import Complex
from tests.accounts.factories import UserFactory, bearer, persist, user_with_roles
from tests.notifications.helpers import (
    API,
    announce,
    announce_committed,
    complex_id,
    count_notifications,
    notification_events,
    notifications_of,
    token_of,
)

# --- notify -----------------------------------------------------------------------------


def _approved(users):
    """A kind whose texts differ by language."""
    return notify(
        users,
        "tenancy.decided",
        title_key="notifications.tenancy_approved.title",
        body_key="notifications.tenancy_approved.body",
        link="/profilo",
        params={"complex": "Omero"},
    )


def test_notify_writes_one_row_per_distinct_active_recipient_in_their_language():
    italian = UserFactory(locale="it")
    english = UserFactory(locale="en")
    retired = UserFactory(is_active=False)

    created = _approved([italian, english, italian, None, retired, english])
    persist()

    assert sorted(n.user_id for n in created) == sorted([italian.id, english.id])
    assert count_notifications() == 2
    (it,) = notifications_of(italian.id)
    (en,) = notifications_of(english.id)
    assert it.title == "Sei stato/a riconosciuto/a come inquilino/a"
    assert it.body == "Ora puoi inviare segnalazioni sul complesso Omero."
    assert en.title == "You have been recognised as a tenant"
    assert en.body == "You can now send reports about the complex Omero."
    for notification in (it, en):
        assert notification.kind == "tenancy.decided"
        assert notification.link == "/profilo"
        assert notification.read_at is None
        assert notification.created_at.tzinfo is not None
    assert notifications_of(retired.id) == []


def test_the_language_is_the_recipients_not_the_requests(app):
    english = UserFactory(locale="en")
    with app.test_request_context(headers={"Accept-Language": "it"}):
        _approved([english])
        persist()
    assert notifications_of(english.id)[0].title == "You have been recognised as a tenant"


def test_nobody_to_notify_stores_nothing(connect):
    retired = UserFactory(is_active=False)
    assert _approved([]) == []
    assert _approved([None, retired]) == []
    persist()
    assert count_notifications() == 0


def test_an_unregistered_kind_is_refused_and_stores_nothing():
    user = UserFactory()
    with pytest.raises(ValueError, match="unregistered notification kind"):
        notify(
            [user],
            "no.such.kind",
            title_key="notifications.announcement.title",
            body_key="notifications.announcement.body",
        )
    persist()
    assert count_notifications() == 0


def test_a_long_title_is_cut_to_the_column():
    user = UserFactory()
    announce([user], title="x" * 250)
    persist()
    assert len(notifications_of(user.id)[0].title) == 200


# --- the flows of the accounts module ---------------------------------------------------


def _request_tenancy(client, headers, code: str = "omero"):
    response = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id(code), "tenancy_code": "MI-004455"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _complex_name(code: str) -> str:
    return db.session.get(Complex, complex_id(code)).name


def test_a_tenancy_request_notifies_the_custodians_of_that_complex_only(client):
    omero, faenza = complex_id("omero"), complex_id("faenza")
    custodian_it = user_with_roles(("custodian", "complex", omero))
    custodian_en = user_with_roles(("custodian", "complex", omero), locale="en")
    elsewhere = user_with_roles(("custodian", "complex", faenza))
    staff = user_with_roles(("staff", None, None))
    resident = UserFactory(display_name="Lucia Verdi")
    ids = {"it": custodian_it.id, "en": custodian_en.id}
    others = [elsewhere.id, staff.id, resident.id]

    _request_tenancy(client, bearer(resident))

    name = _complex_name("omero")
    (it,) = notifications_of(ids["it"])
    (en,) = notifications_of(ids["en"])
    assert (it.kind, en.kind) == ("tenancy.requested", "tenancy.requested")
    assert it.title == "Nuova richiesta di riconoscimento inquilino"
    assert (
        it.body
        == f"Lucia Verdi chiede di essere riconosciuto/a come inquilino/a del complesso {name}."
    )
    assert en.title == "New tenant recognition request"
    assert en.body == f"Lucia Verdi asks to be recognised as a tenant of the complex {name}."
    # the reviewers' queue, where they decide
    assert (it.link, en.link) == ("/gestione/inquilini", "/gestione/inquilini")
    for user_id in others:
        assert notifications_of(user_id) == []


def test_a_tenancy_request_for_a_complex_without_custodian_notifies_the_staff(client):
    staff_a = user_with_roles(("staff", None, None))
    staff_b = user_with_roles(("staff", None, None), locale="en")
    retired_staff = user_with_roles(("staff", None, None), is_active=False)
    admin = user_with_roles(("admin", None, None))
    elsewhere = user_with_roles(("custodian", "complex", complex_id("faenza")))
    ids = [staff_a.id, staff_b.id]
    others = [retired_staff.id, admin.id, elsewhere.id]

    _request_tenancy(client, bearer(UserFactory()), code="omero")

    assert [len(notifications_of(user_id)) for user_id in ids] == [1, 1]
    assert notifications_of(ids[1])[0].title == "New tenant recognition request"
    for user_id in others:
        assert notifications_of(user_id) == []


def test_a_custodian_asking_for_their_own_complex_is_not_told_of_it_the_staff_are(client):
    # Nobody decides their own request, so the staff must hear of it.
    omero = complex_id("omero")
    custodian = user_with_roles(("custodian", "complex", omero))
    staff = user_with_roles(("staff", None, None))
    ids = (custodian.id, staff.id)

    _request_tenancy(client, bearer(custodian))

    assert notifications_of(ids[0]) == []
    assert [n.kind for n in notifications_of(ids[1])] == ["tenancy.requested"]


def test_a_custodian_asking_for_their_own_complex_is_heard_by_the_other_custodians(client):
    omero = complex_id("omero")
    asking = user_with_roles(("custodian", "complex", omero))
    colleague = user_with_roles(("custodian", "complex", omero))
    staff = user_with_roles(("staff", None, None))
    ids = (asking.id, colleague.id, staff.id)

    _request_tenancy(client, bearer(asking))

    assert [len(notifications_of(user_id)) for user_id in ids] == [0, 1, 0]


def test_approval_notifies_the_requester_in_their_language(client):
    omero = complex_id("omero")
    custodian = user_with_roles(("custodian", "complex", omero))
    resident = UserFactory(locale="en")
    resident_id, custodian_id = resident.id, custodian.id
    verification_id = _request_tenancy(client, bearer(resident))

    response = client.post(
        f"{API}/tenancy-verifications/{verification_id}/approve", json={}, headers=bearer(custodian)
    )
    assert response.status_code == 200

    (decided,) = notifications_of(resident_id)
    assert decided.kind == "tenancy.decided"
    assert decided.title == "You have been recognised as a tenant"
    assert decided.body == f"You can now send reports about the complex {_complex_name('omero')}."
    assert decided.link == "/profilo"
    # The custodian has only the request's notification, not the decision's.
    assert [n.kind for n in notifications_of(custodian_id)] == ["tenancy.requested"]


def test_rejection_notifies_the_requester_with_the_note(client):
    staff = user_with_roles(("staff", None, None))
    resident = UserFactory()
    resident_id = resident.id
    verification_id = _request_tenancy(client, bearer(resident), code="faenza")

    response = client.post(
        f"{API}/tenancy-verifications/{verification_id}/reject",
        json={"note": "Il codice non corrisponde."},
        headers=bearer(staff),
    )
    assert response.status_code == 200
    (decided,) = notifications_of(resident_id)
    assert decided.title == "La richiesta di riconoscimento non è stata accolta"
    assert decided.body == f"Complesso {_complex_name('faenza')}. Il codice non corrisponde."


def test_a_role_grant_notifies_the_grantee_in_their_language(client):
    staff = user_with_roles(("staff", None, None))
    grantee = UserFactory(locale="en")
    grantee_id, staff_id = grantee.id, staff.id
    response = client.post(
        f"{API}/users/{grantee_id}/roles",
        json={"role": "custodian", "scope_type": "complex", "scope_id": complex_id("omero")},
        headers=bearer(staff),
    )
    assert response.status_code == 201, response.get_json()

    (granted,) = notifications_of(grantee_id)
    assert granted.kind == "account.role_granted"
    assert granted.title == "You have a new role: social custodian"
    assert granted.body == "You can see it in your profile."
    assert granted.link == "/profilo"
    assert notifications_of(staff_id) == []


def test_a_refused_grant_notifies_nobody(client):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    response = client.post(
        f"{API}/users/{target.id}/roles", json={"role": "admin"}, headers=bearer(staff)
    )
    assert response.status_code == 403
    assert count_notifications() == 0


# --- only after commit ------------------------------------------------------------------


def test_the_event_is_emitted_at_commit_not_at_notify(connect):
    user = UserFactory()
    socket_client = connect(auth={"token": token_of(bearer(user))})
    created = announce([user])
    assert notification_events(socket_client) == []  # flushed, not committed
    persist()
    assert [event["id"] for event in notification_events(socket_client)] == [created[0].id]


def test_a_rollback_after_notify_stores_nothing_and_emits_nothing(app, connect):
    user = UserFactory()
    socket_client = connect(auth={"token": token_of(bearer(user))})
    user_id = user.id

    with app.test_request_context():
        announce([db.session.get(User, user_id)], title="Mai successo")
        db.session.rollback()

    assert count_notifications() == 0
    assert socket_client.get_received() == []
    # The forgotten announcement does not come back with the next commit.
    (later,) = announce_committed([db.session.get(User, user_id)], title="Questo sì")
    assert [(e["id"], e["title"]) for e in notification_events(socket_client)] == [
        (later, "Questo sì")
    ]


@pytest.fixture
def throwaway_app(make_app):
    """Another app with a route that notifies and then ends as its path says.

    Exceptions are not propagated to the test, as in production: a failure at the
    request's commit becomes a 500 answer, like any other.
    """
    other = make_app(PROPAGATE_EXCEPTIONS=False)

    def notify_then(outcome):
        user = db.session.get(User, int(request.args["user"]))
        created = announce([user], title=f"Esito: {outcome}")
        if outcome == "conflict":
            raise Conflict("http.409")
        if outcome == "crash":
            raise RuntimeError("a bug after notify")
        if outcome == "commit-fails":
            # Two rows breaking a unique constraint, found only when the commit flushes.
            for _ in range(2):
                db.session.add(
                    NotificationPreference(user_id=user.id, kind="tenancy.requested", email=True)
                )
        return {"id": created[0].id}

    other.add_url_rule(
        "/_test/notify/<outcome>", "notify_then", view_func=notify_then, methods=["POST"]
    )
    return other


@pytest.mark.parametrize("outcome", ["conflict", "crash", "commit-fails"])
def test_a_request_failing_after_notify_stores_nothing_and_emits_nothing(
    throwaway_app, connect, outcome
):
    user = UserFactory()
    user_id = user.id
    socket_client = connect(auth={"token": token_of(bearer(user))}, target=throwaway_app)
    assert socket_client.is_connected()

    response = throwaway_app.test_client().post(f"/_test/notify/{outcome}?user={user_id}")
    assert response.status_code == {"conflict": 409, "crash": 500, "commit-fails": 500}[outcome]

    assert count_notifications() == 0
    assert db.session.scalars(select(NotificationPreference)).all() == []
    assert socket_client.get_received() == []
    assert socket_client.is_connected()


def test_a_request_that_commits_emits_the_stored_notification(throwaway_app, connect):
    user = UserFactory()
    user_id = user.id
    socket_client = connect(auth={"token": token_of(bearer(user))}, target=throwaway_app)

    response = throwaway_app.test_client().post(f"/_test/notify/ok?user={user_id}")
    assert response.status_code == 200
    stored_id = response.get_json()["id"]

    (event,) = notification_events(socket_client)
    stored = db.session.get(Notification, stored_id)
    assert stored is not None and stored.user_id == user_id
    assert (event["id"], event["title"], event["unread_count"]) == (stored_id, "Esito: ok", 1)


# --- qc notify --------------------------------------------------------------------------


def test_qc_notify_stores_and_emits_an_announcement(app, connect):
    user = UserFactory(email="avvisi@example.org")
    staff = user_with_roles(("staff", None, None))
    user_socket = connect(auth={"token": token_of(bearer(user))})
    staff_socket = connect(auth={"token": token_of(bearer(staff))})
    user_id, staff_id = user.id, staff.id

    result = app.test_cli_runner().invoke(
        args=[
            "qc", "notify", "--email", "AVVISI@example.org", "--role", "staff",
            "--title", "  Acqua sospesa  ", "--body", "Domani dalle 9 alle 12.", "--link", "/spazi",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Notified 2 people." in result.output

    for user_id_, socket_client in ((user_id, user_socket), (staff_id, staff_socket)):
        (stored,) = notifications_of(user_id_)
        assert (stored.kind, stored.title, stored.body, stored.link) == (
            "system.announcement",
            "Acqua sospesa",
            "Domani dalle 9 alle 12.",
            "/spazi",
        )
        assert [event["id"] for event in notification_events(socket_client)] == [stored.id]


@pytest.mark.parametrize(
    "args",
    [
        ["--email", "nessuno@example.org", "--title", "Ciao"],
        ["--role", "custodian", "--title", "Ciao"],
        ["--title", "Ciao"],
        ["--email", "avvisi@example.org", "--title", "x" * 201],
        ["--email", "avvisi@example.org", "--title", "   "],
    ],
    ids=["unknown-email", "scoped-role", "no-recipient", "long-title", "blank-title"],
)
def test_qc_notify_refuses_bad_input_and_stores_and_emits_nothing(app, connect, args):
    user = UserFactory(email="avvisi@example.org")
    socket_client = connect(auth={"token": token_of(bearer(user))})
    result = app.test_cli_runner().invoke(args=["qc", "notify", *args])
    assert result.exit_code != 0
    assert count_notifications() == 0
    assert socket_client.get_received() == []
