"""Liveness and readiness: /healthz says the process answers; /readyz says whether it can
serve requests now, checking the database and, when one is configured, Redis."""

from __future__ import annotations

import pytest

from tests.core.conftest import free_port


def test_readyz_is_200_when_the_database_answers(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "QC_REDIS_URL", None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Retry-After" not in response.headers


def _unreachable_databases(tmp_path):
    return {
        # A PostgreSQL server that is not there: nothing listens on the port.
        "postgresql": f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere",
        # A SQLite file that cannot be opened: its folder does not exist.
        "sqlite": "sqlite:///" + str(tmp_path / "missing-folder" / "gone.sqlite3"),
    }


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_readyz_is_503_while_the_database_is_unreachable_and_healthz_stays_200(
    make_app, extension_state, tmp_path, kind, caplog
):
    app = make_app(SQLALCHEMY_DATABASE_URI=_unreachable_databases(tmp_path)[kind])
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert int(response.headers["Retry-After"]) > 0
    assert "nowhere" not in response.get_data(as_text=True)  # the cause stays in the log
    assert any("database is unreachable" in r.getMessage() for r in caplog.records)
    # Liveness does not depend on the database: the process is alive, let it be.
    assert client.get("/healthz").status_code == 200


def test_readyz_checks_redis_when_one_is_configured(own_redis, client, app, monkeypatch):
    url, _, server = own_redis
    # Set after start-up: the Socket.IO message queue is not built for this URL.
    monkeypatch.setitem(app.config, "QC_REDIS_URL", url)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    server.kill()
    server.wait()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.get_json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable"},
    }
    assert int(down.headers["Retry-After"]) > 0


def test_readyz_is_503_when_redis_is_on_a_closed_port(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "QC_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "redis": "unavailable"}
