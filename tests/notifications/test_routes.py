"""The notifications API: my list, reading them, my e-mail preferences."""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.notifications.kinds import KINDS
from qc_platform.notifications.models import Notification, NotificationPreference
from tests.accounts.factories import UserFactory, bearer
from tests.notifications.helpers import API, announce_committed, login

ITEM_KEYS = {"id", "kind", "title", "body", "link", "created_at", "read_at"}


def _list(client, headers=None, **query):
    response = client.get(f"{API}/notifications", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _read(client, notification_id, headers):
    return client.post(f"{API}/notifications/{notification_id}/read", headers=headers)


def _preferences(client, headers, **extra):
    response = client.get(f"{API}/notifications/preferences", headers={**headers, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _put_preferences(client, headers, choices):
    return client.put(
        f"{API}/notifications/preferences", json={"preferences": choices}, headers=headers
    )


def _stored_preferences(user_id) -> dict[str, bool]:
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )
    return {row.kind: row.email for row in rows}


# --- the list ---------------------------------------------------------------------------


def test_the_list_is_newest_first_with_the_unread_count(client):
    user, other = UserFactory(), UserFactory()
    ids = [announce_committed([user], title=f"Avviso {n}", link="/spazi")[0] for n in range(3)]
    announce_committed([other], title="Per un'altra persona")
    headers = bearer(user)
    assert _read(client, ids[1], headers).status_code == 200

    body = _list(client, headers)
    assert [item["id"] for item in body["items"]] == ids[::-1]
    assert body["unread_count"] == 2
    assert body["next_cursor"] is None
    newest = body["items"][0]
    assert set(newest) == ITEM_KEYS
    assert newest["kind"] == "system.announcement"
    assert newest["title"] == "Avviso 2"
    assert newest["link"] == "/spazi"
    assert newest["read_at"] is None
    assert body["items"][1]["read_at"] is not None
    # Someone else's notifications are never listed.
    assert "Per un'altra persona" not in {item["title"] for item in body["items"]}


def test_the_session_cookie_sees_the_same_list(client):
    user = UserFactory()
    ids = announce_committed([user, user])  # the same person twice: one notification
    login(client, user)
    body = _list(client)
    assert [item["id"] for item in body["items"]] == ids
    assert body["unread_count"] == 1


def test_unread_true_lists_only_the_unread_ones(client):
    user = UserFactory()
    ids = [announce_committed([user], title=f"Avviso {n}")[0] for n in range(3)]
    headers = bearer(user)
    assert _read(client, ids[0], headers).status_code == 200

    unread = _list(client, headers, unread="true")
    assert [item["id"] for item in unread["items"]] == [ids[2], ids[1]]
    assert all(item["read_at"] is None for item in unread["items"])
    assert unread["unread_count"] == 2
    # unread=false is the whole list.
    assert len(_list(client, headers, unread="false")["items"]) == 3


def test_the_cursor_walks_the_whole_list_once_newest_first(client):
    user = UserFactory()
    ids = [announce_committed([user], title=f"Avviso {n}")[0] for n in range(5)]
    headers = bearer(user)

    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = _list(client, headers, **query)
        pages += 1
        assert len(body["items"]) <= 2
        assert body["unread_count"] == 5  # the count is of all unread, not of the page
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == ids[::-1]


def test_the_cursor_combines_with_the_unread_filter(client):
    user = UserFactory()
    ids = [announce_committed([user], title=f"Avviso {n}")[0] for n in range(4)]
    headers = bearer(user)
    assert _read(client, ids[2], headers).status_code == 200
    first = _list(client, headers, unread="true", limit=2)
    assert [item["id"] for item in first["items"]] == [ids[3], ids[1]]
    second = _list(client, headers, unread="true", limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in second["items"]] == [ids[0]]
    assert second["next_cursor"] is None


def test_a_bad_cursor_is_422(client):
    response = client.get(
        f"{API}/notifications",
        query_string={"cursor": "not-a-cursor"},
        headers=bearer(UserFactory()),
    )
    assert response.status_code == 422
    assert "cursor" in response.get_json()["errors"]["query"]


def test_an_empty_list(client):
    body = _list(client, bearer(UserFactory()))
    assert body == {"items": [], "next_cursor": None, "unread_count": 0}


# --- reading ----------------------------------------------------------------------------


def test_marking_my_notification_read_is_idempotent(client):
    user = UserFactory()
    first, second = announce_committed([user]), announce_committed([user])
    headers = bearer(user)

    response = _read(client, first[0], headers)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == ITEM_KEYS
    assert body["id"] == first[0]
    assert body["read_at"] is not None
    assert _list(client, headers)["unread_count"] == 1

    again = _read(client, first[0], headers)
    assert again.status_code == 200
    assert again.get_json()["read_at"] == body["read_at"]  # not moved by the second call
    assert _list(client, headers)["unread_count"] == 1
    assert db.session.get(Notification, second[0]).read_at is None


def test_marking_read_with_the_session_cookie_needs_the_csrf_token(client):
    user = UserFactory()
    (notification_id,) = announce_committed([user])
    token = login(client, user)
    assert client.post(f"{API}/notifications/{notification_id}/read").status_code == 403
    assert db.session.get(Notification, notification_id).read_at is None
    response = _read(client, notification_id, {"X-CSRF-Token": token})
    assert response.status_code == 200
    assert db.session.get(Notification, notification_id).read_at is not None


def test_someone_elses_notification_is_404_and_stays_unread(client):
    owner, intruder = UserFactory(), UserFactory()
    (notification_id,) = announce_committed([owner])
    owner_headers = bearer(owner)  # before the failing request expires the test's objects
    response = _read(client, notification_id, bearer(intruder))
    assert response.status_code == 404
    assert response.get_json()["code"] == 404
    assert db.session.get(Notification, notification_id).read_at is None
    assert _list(client, owner_headers)["unread_count"] == 1


def test_an_unknown_notification_is_404(client):
    assert _read(client, 987654, bearer(UserFactory())).status_code == 404


def test_read_all_marks_only_mine(client):
    user, other = UserFactory(), UserFactory()
    for n in range(3):
        announce_committed([user, other], title=f"Avviso {n}")
    headers = bearer(user)
    assert _read(client, _list(client, headers)["items"][0]["id"], headers).status_code == 200

    response = client.post(f"{API}/notifications/read-all", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"updated": 2, "unread_count": 0}
    body = _list(client, headers)
    assert body["unread_count"] == 0
    assert all(item["read_at"] is not None for item in body["items"])
    assert _list(client, headers, unread="true")["items"] == []
    # The other person's are untouched.
    assert _list(client, bearer(other))["unread_count"] == 3

    again = client.post(f"{API}/notifications/read-all", headers=headers)
    assert again.get_json() == {"updated": 0, "unread_count": 0}


# --- preferences ------------------------------------------------------------------------


def test_preferences_list_every_registered_kind_with_its_default(client):
    headers = bearer(UserFactory())
    body = _preferences(client, headers)
    assert body["email_enabled"] is False  # no QC_SMTP_URL in the tests' app
    assert body["next_cursor"] is None
    assert [item["kind"] for item in body["items"]] == list(KINDS)
    for item in body["items"]:
        kind = KINDS[item["kind"]]
        assert item["email"] is kind.email_default
        assert item["name"] == kind.name["it"]
        assert item["description"] == kind.description["it"]
    # Both defaults occur, so the test above means something.
    assert {item["email"] for item in body["items"]} == {True, False}


def test_preferences_speak_the_language_asked_for(client):
    headers = bearer(UserFactory())
    body = _preferences(client, headers, **{"Accept-Language": "en"})
    assert [item["name"] for item in body["items"]] == [kind.name["en"] for kind in KINDS.values()]


def test_put_changes_the_preferences_and_they_are_kept(client):
    user = UserFactory()
    headers = bearer(user)
    response = _put_preferences(
        client,
        headers,
        [
            {"kind": "tenancy.requested", "email": True},
            {"kind": "account.role_granted", "email": False},
        ],
    )
    assert response.status_code == 200
    chosen = {item["kind"]: item["email"] for item in response.get_json()["items"]}
    assert chosen["tenancy.requested"] is True
    assert chosen["account.role_granted"] is False
    assert chosen["system.announcement"] is KINDS["system.announcement"].email_default

    # Kept: a new request reads them back, and they are rows of this user.
    again = {item["kind"]: item["email"] for item in _preferences(client, headers)["items"]}
    assert again == chosen
    assert _stored_preferences(user.id) == {
        "tenancy.requested": True,
        "account.role_granted": False,
    }

    # A second choice of the same kind changes the row, it does not add one.
    assert (
        _put_preferences(client, headers, [{"kind": "tenancy.requested", "email": False}])
    ).status_code == 200
    assert _stored_preferences(user.id) == {
        "tenancy.requested": False,
        "account.role_granted": False,
    }
    # Someone else's preferences are still the defaults.
    other = {
        item["kind"]: item["email"] for item in _preferences(client, bearer(UserFactory()))["items"]
    }
    assert other == {code: kind.email_default for code, kind in KINDS.items()}


def test_put_with_the_session_cookie(client):
    user = UserFactory()
    token = login(client, user)
    choice = [{"kind": "tenancy.requested", "email": True}]
    refused = client.put(f"{API}/notifications/preferences", json={"preferences": choice})
    assert refused.status_code == 403
    assert _stored_preferences(user.id) == {}
    response = _put_preferences(client, {"X-CSRF-Token": token}, choice)
    assert response.status_code == 200
    assert _stored_preferences(user.id) == {"tenancy.requested": True}


def test_an_unknown_kind_is_422_and_changes_nothing(client):
    user = UserFactory()
    headers = bearer(user)
    assert (
        _put_preferences(client, headers, [{"kind": "system.announcement", "email": False}])
    ).status_code == 200

    response = _put_preferences(
        client,
        headers,
        [
            {"kind": "system.announcement", "email": True},
            {"kind": "tenancy.requested", "email": True},
            {"kind": "no.such.kind", "email": True},
        ],
    )
    assert response.status_code == 422
    assert "preferences" in response.get_json()["errors"]["json"]
    # Nothing of the refused request was applied, not even its valid choices.
    assert _stored_preferences(user.id) == {"system.announcement": False}


def test_a_malformed_preference_is_422(client):
    headers = bearer(UserFactory())
    for choices in (
        [{"kind": "tenancy.requested"}],
        [{"email": True}],
        [{"kind": "", "email": True}],
    ):
        response = _put_preferences(client, headers, choices)
        assert response.status_code == 422, choices
    assert (
        client.put(f"{API}/notifications/preferences", json={}, headers=headers).status_code == 422
    )
