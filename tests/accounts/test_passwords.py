"""argon2id hashing: the format, verification, and the production parameters."""

from __future__ import annotations

from qc_platform import create_app
from qc_platform.accounts import passwords
from qc_platform.config import normalise_database_url


def test_hashes_are_argon2id_and_salted():
    first = passwords.hash_password("una-password-lunga")
    second = passwords.hash_password("una-password-lunga")
    assert first.startswith("$argon2id$")
    assert second.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert "una-password-lunga" not in first


def test_verify_accepts_the_password_and_nothing_else():
    stored = passwords.hash_password("una-password-lunga")
    assert passwords.verify_password(stored, "una-password-lunga") is True
    assert passwords.verify_password(stored, "una-password-lungA") is False
    assert passwords.verify_password(stored, "") is False


def test_verify_is_false_for_a_hash_that_is_not_argon2():
    assert passwords.verify_password("not-a-hash", "una-password-lunga") is False
    assert passwords.verify_password("", "una-password-lunga") is False


def test_a_hash_with_other_parameters_needs_rehashing(app, monkeypatch):
    stored = passwords.hash_password("una-password-lunga")
    assert passwords.needs_rehash(stored) is False
    monkeypatch.setitem(app.config, "QC_ARGON2_TIME_COST", app.config["QC_ARGON2_TIME_COST"] + 1)
    assert passwords.needs_rehash(stored) is True
    # Still verifiable: the parameters travel inside the hash.
    assert passwords.verify_password(stored, "una-password-lunga") is True


def test_production_parameters_are_the_default(database_url, frontend_dist, tmp_path, monkeypatch):
    monkeypatch.delenv("QC_ARGON2_TIME_COST", raising=False)
    monkeypatch.delenv("QC_ARGON2_MEMORY_COST", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
            "RATELIMIT_ENABLED": False,
            "QC_FRONTEND_DIST": str(frontend_dist),
        }
    )
    assert app.config["QC_ARGON2_TIME_COST"] == 3
    assert app.config["QC_ARGON2_MEMORY_COST"] == 65536
    with app.app_context():
        hasher = passwords._hasher()  # built, not used: hashing at this cost is slow
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 1)
    assert hasher.type.name == "ID"
