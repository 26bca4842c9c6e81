"""Settings from ``QC_*`` environment variables, with safe defaults.

Everything the application reads from the environment is read here, once, so the
README's configuration table and the code cannot drift apart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable application."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name) or str(default)
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def normalise_database_url(url: str) -> str:
    """Always talk to PostgreSQL through psycopg 3, whatever scheme was written."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dev_secret_key(instance_path: Path) -> str:
    """Generate a development secret once and keep it in ``instance/``."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: Path, env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    qc_env = env.get("QC_ENV", "development")
    if qc_env not in {"development", "production"}:
        raise ConfigurationError("QC_ENV must be 'development' or 'production'")
    production = qc_env == "production"

    secret_key = env.get("QC_SECRET_KEY", "")
    if production and len(secret_key) < 32:
        raise ConfigurationError(
            "QC_SECRET_KEY must be set (at least 32 characters) when QC_ENV=production"
        )
    if not secret_key:
        secret_key = _dev_secret_key(instance_path)

    database_url = env.get("QC_DATABASE_URL") or (
        "sqlite:///" + str(instance_path / "quartieri.sqlite3")
    )
    redis_url = env.get("QC_REDIS_URL") or None
    allowed_origins = [
        origin.strip() for origin in env.get("QC_ALLOWED_ORIGINS", "").split(",") if origin.strip()
    ]
    session_idle_minutes = int(env.get("QC_SESSION_IDLE_MINUTES", "20160"))

    return {
        "QC_ENV": qc_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "QC_REDIS_URL": redis_url,
        # The Redis pub/sub channel of Socket.IO: processes that share it share events.
        "QC_SOCKETIO_CHANNEL": env.get("QC_SOCKETIO_CHANNEL") or "flask-socketio",
        "QC_SMTP_URL": env.get("QC_SMTP_URL") or None,
        "QC_MAIL_FROM": env.get("QC_MAIL_FROM", "Quartieri Connessi <noreply@localhost>"),
        # The address people use to reach the web app, for links in e-mails.
        "QC_PUBLIC_URL": env.get("QC_PUBLIC_URL", "http://127.0.0.1:5000"),
        # Socket.IO and CORS: same origin always; extra origins only when listed.
        "QC_ALLOWED_ORIGINS": allowed_origins,
        # How many reverse proxies (nginx) stand in front: their X-Forwarded-* headers are
        # then trusted for the client's address (rate limits) and scheme (Secure, Origin).
        "QC_TRUSTED_PROXIES": int(env.get("QC_TRUSTED_PROXIES", "0")),
        # Live connections hold a server thread each (threading mode): at most this many
        # Socket.IO requests at once per process, so set it below gunicorn's --threads (make
        # run: 100 threads, so 80 live and 20 left for HTTP); anonymous ones (kiosk screens)
        # are capped per client address and per process too.
        "QC_LIVE_MAX_CONNECTIONS": _positive_int(env, "QC_LIVE_MAX_CONNECTIONS", 80),
        "QC_LIVE_ANONYMOUS_PER_PROCESS": _positive_int(env, "QC_LIVE_ANONYMOUS_PER_PROCESS", 40),
        "QC_LIVE_ANONYMOUS_PER_ADDRESS": _positive_int(env, "QC_LIVE_ANONYMOUS_PER_ADDRESS", 20),
        "QC_FRONTEND_DIST": env.get("QC_FRONTEND_DIST") or str(PROJECT_ROOT / "frontend" / "dist"),
        # Sessions: HttpOnly and SameSite=Lax always, Secure in production.
        "SESSION_COOKIE_NAME": "qc_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        # Flask refuses a cookie signed longer ago than this; a session in use is re-signed
        # every minute, so the idle time (QC_SESSION_IDLE_MINUTES) is what ends it.
        "PERMANENT_SESSION_LIFETIME": max(60 * 60 * 24 * 14, session_idle_minutes * 60),
        # Request size: JSON bodies are capped at 1 MB; uploads (later modules) at 6 MB.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "QC_MAX_JSON_BYTES": 1024 * 1024,
        # Rate limits (Flask-Limiter): memory per process, Redis when several processes run.
        "RATELIMIT_ENABLED": _flag(env.get("QC_RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "QC_LOGIN_RATE_LIMIT": env.get("QC_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Wrong passwords per account, whatever the address: login, token creation and
        # password change share this budget.
        "QC_ACCOUNT_LOGIN_RATE_LIMIT": env.get(
            "QC_ACCOUNT_LOGIN_RATE_LIMIT", "10 per 15 minutes;50 per day"
        ),
        # A signed-in session unused this long ends (minutes): 14 days, 2 hours for a
        # person holding staff or admin.
        "QC_SESSION_IDLE_MINUTES": session_idle_minutes,
        "QC_STAFF_SESSION_IDLE_MINUTES": int(env.get("QC_STAFF_SESSION_IDLE_MINUTES", "120")),
        "QC_REPORT_RATE_LIMIT": env.get("QC_REPORT_RATE_LIMIT", "10 per hour;30 per day"),
        "QC_ATTACHMENT_RATE_LIMIT": env.get("QC_ATTACHMENT_RATE_LIMIT", "30 per hour;100 per day"),
        # Report photos with more pixels are refused from their header, before decoding (a
        # 257 KB PNG can hold 88 Mpx, a gigabyte once decoded); 40 Mpx fits a phone photo.
        "QC_MAX_IMAGE_PIXELS": int(env.get("QC_MAX_IMAGE_PIXELS", "40000000")),
        # The public GET /feedback/stats: per client address, and its answers cached this
        # many seconds (0: not cached) per set of parameters.
        "QC_STATS_RATE_LIMIT": env.get("QC_STATS_RATE_LIMIT", "20 per minute;200 per hour"),
        "QC_FEEDBACK_STATS_CACHE_SECONDS": int(env.get("QC_FEEDBACK_STATS_CACHE_SECONDS", "60")),
        # Flask-Caching: in Redis, shared by every process, when there is one; else in each
        # process's memory, at most CACHE_THRESHOLD answers.
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "qc-cache:",
        "CACHE_THRESHOLD": 500,
        # First answer to a report due within this many working hours (Milan calendar).
        "QC_FEEDBACK_SLA_HOURS": int(env.get("QC_FEEDBACK_SLA_HOURS", "48")),
        # Time bank: how far below zero a verified tenant's or an organisation's account may
        # go (minutes; -600 = 10 hours). Other people's accounts start at 0.
        "QC_TIMEBANK_FLOOR_MINUTES": int(env.get("QC_TIMEBANK_FLOOR_MINUTES", "-600")),
        "QC_LISTING_RATE_LIMIT": env.get("QC_LISTING_RATE_LIMIT", "10 per hour;30 per day"),
        "QC_MESSAGE_RATE_LIMIT": env.get("QC_MESSAGE_RATE_LIMIT", "20 per minute;300 per day"),
        # Where report attachments are kept: outside any folder the web server serves.
        "QC_UPLOAD_DIR": env.get("QC_UPLOAD_DIR") or str(instance_path / "uploads"),
        # Recurring activities: sessions exist this many days ahead (`qc activities-extend`
        # from cron keeps the horizon rolling), and at most this many per activity.
        "QC_ACTIVITIES_HORIZON_DAYS": int(env.get("QC_ACTIVITIES_HORIZON_DAYS", "120")),
        "QC_ACTIVITIES_MAX_SESSIONS": int(env.get("QC_ACTIVITIES_MAX_SESSIONS", "500")),
        "QC_REGISTER_RATE_LIMIT": env.get("QC_REGISTER_RATE_LIMIT", "5 per minute;30 per hour"),
        # Password reset requests: per client address, and per address to reset (known or
        # not, so that a 429 tells nothing about accounts).
        "QC_PASSWORD_RESET_RATE_LIMIT": env.get(
            "QC_PASSWORD_RESET_RATE_LIMIT", "5 per minute;20 per hour"
        ),
        "QC_PASSWORD_RESET_EMAIL_RATE_LIMIT": env.get(
            "QC_PASSWORD_RESET_EMAIL_RATE_LIMIT", "3 per hour;10 per day"
        ),
        # Verification links and e-mail changes a signed-in person may ask for.
        "QC_EMAIL_LINK_RATE_LIMIT": env.get("QC_EMAIL_LINK_RATE_LIMIT", "5 per hour;20 per day"),
        # GET /users/me/export (GDPR access), per person: building it reads everything.
        "QC_EXPORT_RATE_LIMIT": env.get("QC_EXPORT_RATE_LIMIT", "5 per hour;20 per day"),
        # The privacy notice (/privacy) and the accessibility statement (/accessibilita):
        # the data controller and the contacts; unset contacts show as "to be completed".
        "QC_PRIVACY_CONTROLLER": env.get("QC_PRIVACY_CONTROLLER") or "Comune di Milano",
        "QC_PRIVACY_CONTROLLER_CONTACT": env.get("QC_PRIVACY_CONTROLLER_CONTACT") or None,
        "QC_PRIVACY_DPO_CONTACT": env.get("QC_PRIVACY_DPO_CONTACT") or None,
        "QC_ACCESSIBILITY_CONTACT": env.get("QC_ACCESSIBILITY_CONTACT") or None,
        # argon2id parameters (RFC 9106 "second recommended" option by default).
        "QC_ARGON2_TIME_COST": int(env.get("QC_ARGON2_TIME_COST", "3")),
        "QC_ARGON2_MEMORY_COST": int(env.get("QC_ARGON2_MEMORY_COST", str(64 * 1024))),
        # OpenAPI (flask-smorest); the interactive page is ours, served locally.
        "API_TITLE": "Quartieri Connessi API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }
