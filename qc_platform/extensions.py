"""Extensions, created unbound; ``create_app`` binds them with ``init_app``."""

from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy

from qc_platform.core.db import Base

db = SQLAlchemy(model_class=Base)
# SQLite cannot ALTER most things: batch mode rebuilds tables instead.
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
api = Api()
# While the storage (Redis) is unreachable, limits are counted in this process's memory
# (one warning when it goes away): a Redis outage must not turn every limited route into
# a 500. Flask-Limiter checks the storage again, with backoff, and returns to it.
limiter = Limiter(key_func=get_remote_address, in_memory_fallback_enabled=True)
# Short-lived answers that are the same for everyone (core/cache.py); no Jinja templates here.
cache = Cache(with_jinja2_ext=False)
socketio = SocketIO()
