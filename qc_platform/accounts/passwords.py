"""argon2id password hashing, with parameters from the configuration, and the password
policy."""

from __future__ import annotations

import re
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from qc_platform.core.errors import InvalidInput
from qc_platform.core.textsearch import fold

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


# --- the password policy ---------------------------------------------------------------
# Every place a password is set (registration, change, reset, `qc create-admin`) asks
# check_policy(): at least MIN_PASSWORD_LENGTH characters, not containing the e-mail's
# local part or the display name, and not easy to guess.
#
# "Easy to guess" is zxcvbn's estimate (PyPI `zxcvbn`, pinned in pyproject.toml): the
# maintained Python port of Dropbox's estimator. It knows 30,000 leaked passwords (Italian
# favourites such as "juventus" and "ciaociao" among them) and English words, names and
# surnames, and it models what a guesser tries next with them: keyboard walks, repetitions,
# sequences, dates, l33t substitutions, words glued together. A plain list of 100,000
# passwords would catch only exact entries ("Juventus1897!" is in none of them); the
# estimate catches their variations too. A score of 3 ("safely unguessable", about 10^8
# guesses and more) is the minimum zxcvbn's authors recommend for an online service.
MIN_SCORE = 3
# zxcvbn's time grows quickly with length, and it refuses more than 72 characters: the
# estimate reads the first 72 (a password whose first 72 characters are weak is weak).
ESTIMATE_LENGTH = 72
# Words every guesser of this site's passwords tries first.
SITE_WORDS = ("quartieri", "connessi", "quartiericonnessi", "milano", "comune", "aler")
# A part of the address or the name shorter than this is not looked for (a password
# cannot reasonably avoid every "an" or "li").
MIN_PART_LENGTH = 3

# zxcvbn keeps the user inputs of the call being scored in a module-level dictionary:
# one estimate at a time, or a thread would score with another's inputs.
_zxcvbn_lock = threading.Lock()


class WeakPassword(InvalidInput):
    """422 naming the field and saying why the password was refused."""

    def __init__(self, reason: str, field: str):
        key = f"accounts.password_{reason}"
        super().__init__(key, errors={"json": {field: [key]}})
        self.reason = reason


def _compact(text: str) -> str:
    """Folded (case and accents) and with only letters and digits: "Niccolò D'Amico" and
    "niccolo.damico" both become "niccolodamico"."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^\w]+|_", fold(text)) if word]


def password_problem(password: str, *, email: str, display_name: str) -> str | None:
    """Why ``password`` may not be used by the person with this e-mail and name (a reason
    code: too_short, contains_email, contains_name, too_common), or None if it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    folded, compact = fold(password), _compact(password)
    local_part = email.rpartition("@")[0] if "@" in email else email
    for part, reason in ((local_part, "contains_email"), (display_name, "contains_name")):
        whole, bare = fold(part), _compact(part)
        if (len(whole) >= MIN_PART_LENGTH and whole in folded) or (
            len(bare) >= MIN_PART_LENGTH and bare in compact
        ):
            return reason
    inputs = [*SITE_WORDS, *_words(local_part), _compact(local_part), *_words(display_name)]
    with _zxcvbn_lock:
        score = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=inputs)["score"]
    return "too_common" if score < MIN_SCORE else None


def check_policy(password: str, *, email: str, display_name: str, field: str = "password") -> None:
    """Refuse (422, naming ``field``) a password that breaks the policy."""
    problem = password_problem(password, email=email, display_name=display_name)
    if problem is not None:
        raise WeakPassword(problem, field)
