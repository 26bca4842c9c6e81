"""The application factory.

``create_app`` is the only place that wires things together (docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from qc_platform.config import PROJECT_ROOT, load_config


def create_app(overrides: dict | None = None) -> Flask:
    instance_path = Path(
        (overrides or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance"
    ).resolve()
    # Named after the package: the logger, the CLI and the root path stay those of qc_platform.
    app = Flask("qc_platform", instance_path=str(instance_path), static_folder=None)
    app.config.update(load_config(instance_path))
    if overrides:
        app.config.update(overrides)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance_path.mkdir(parents=True, exist_ok=True)
    app.json.sort_keys = False

    from qc_platform.core.routing import BoundedIntConverter, RegexConverter

    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["regex"] = RegexConverter
    app.url_map.strict_slashes = False

    _init_extensions(app)
    _register_blueprints(app)

    from qc_platform import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from qc_platform import (
        activities,
        catalogue,
        conversations,
        feedback,
        marketplace,
        notifications,
        places,
        timebank,
    )
    from qc_platform.accounts import auth
    from qc_platform.core import csrf, errors, http, idempotency  # noqa: F401 - its table
    from qc_platform.core.live import allowed_origins, limit_live_connections
    from qc_platform.extensions import api, cache, db, limiter, migrate, socketio

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    auth.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    api.init_app(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal token from POST /api/v1/auth/tokens.",
                    },
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": app.config["SESSION_COOKIE_NAME"],
                        "description": "From POST /api/v1/auth/login; unsafe requests also need "
                        "the X-CSRF-Token header.",
                    },
                }
            },
            "security": [{}, {"bearer": []}, {"session": []}],
        },
    )
    # After flask-smorest, so that ours is the error handler that answers.
    errors.init_app(app)
    http.init_app(app)
    app.before_request(csrf.check_csrf)
    notifications.init_app(app)
    # Each module registers what it owns: scopes, notification kinds and their receivers
    # (in this order in everyone's notification preferences: private messages, which serve
    # both, between the marketplace's kinds and the catalogue's).
    for module in (places, timebank, feedback, marketplace, conversations, catalogue, activities):
        module.init_app(app)

    socketio.init_app(
        app,
        async_mode="threading",
        cors_allowed_origins=allowed_origins(app.config["QC_ALLOWED_ORIGINS"]),
        message_queue=app.config["QC_REDIS_URL"],
        channel=app.config["QC_SOCKETIO_CHANNEL"],
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )
    limit_live_connections(app)  # wraps the Socket.IO middleware; ProxyFix below wraps them both
    proxies = app.config["QC_TRUSTED_PROXIES"]
    if proxies:
        # Outermost, so that Socket.IO's origin check sees the client's scheme and host too.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def _register_blueprints(app: Flask) -> None:
    from qc_platform.accounts.routes import blp as accounts_blp
    from qc_platform.activities.routes import blp as activities_blp
    from qc_platform.catalogue.routes import blp as catalogue_blp
    from qc_platform.extensions import api
    from qc_platform.feedback.routes import blp as feedback_blp
    from qc_platform.marketplace.routes import blp as marketplace_blp
    from qc_platform.notifications.routes import blp as notifications_blp
    from qc_platform.places.routes import blp as places_blp
    from qc_platform.timebank.routes import blp as timebank_blp
    from qc_platform.webapp import bp as webapp_bp

    api.register_blueprint(accounts_blp)
    api.register_blueprint(places_blp)
    api.register_blueprint(notifications_blp)
    api.register_blueprint(feedback_blp)
    api.register_blueprint(timebank_blp)
    api.register_blueprint(marketplace_blp)
    api.register_blueprint(catalogue_blp)
    api.register_blueprint(activities_blp)
    # Open311 GeoReport v2: a protocol of its own, outside the OpenAPI document.
    from qc_platform.open311.routes import blp as open311_blp

    app.register_blueprint(open311_blp)
    # Last: its catch-all file route must not shadow the API.
    app.register_blueprint(webapp_bp)
