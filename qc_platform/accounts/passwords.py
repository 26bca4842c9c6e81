"""argon2id password hashing, with parameters from the configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def _hasher() -> PasswordHasher:
    config = current_app.config
    key = (config["QC_ARGON2_TIME_COST"], config["QC_ARGON2_MEMORY_COST"])
    hasher = current_app.extensions.get("qc_password_hasher")
    if hasher is None or hasher[0] != key:
        hasher = (key, PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=1))
        current_app.extensions["qc_password_hasher"] = hasher
    return hasher[1]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend a hash's time when the e-mail is unknown, so timing does not reveal it."""
    _hasher().hash(password)
