"""Registration, sign-in and sign-out, sessions, password change."""

from __future__ import annotations

from flask.views import MethodView

from qc_platform.accounts import (
    auth,
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.accounts.models import UserSession
from qc_platform.accounts.routes.blueprint import blp
from qc_platform.accounts.routes.common import (
    account_in_body,
    account_limit,
    account_signed_in,
    check_credentials,
    login_limit,
    register_limit,
)
from qc_platform.accounts.schemas import (
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    RegisterSchema,
    SessionSchema,
    UserSchema,
)
from qc_platform.core.csrf import csrf_exempt, reset_csrf_token
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import limiter


@blp.route("/auth/register")
class Register(MethodView):
    @csrf_exempt
    @limiter.limit(register_limit)
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="An account with this e-mail exists.")
    def post(self, data):
        """Create an account (every registered user is a resident); a link that verifies
        the address is sent to it."""
        return service.sign_up(**data)


@blp.route("/auth/login")
class Login(MethodView):
    @csrf_exempt
    @limiter.limit(login_limit)
    @account_limit(account_in_body)
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Wrong e-mail or password.")
    @blp.alt_response(429, description="Too many attempts from this address or at this account.")
    def post(self, data):
        """Sign in: sets the session cookie (HttpOnly, SameSite=Lax), bound to a new
        server-side session."""
        user = check_credentials(data["email"], data["password"], via="login")
        auth.sign_in(user)
        user.csrf_token = reset_csrf_token()
        return user


@blp.route("/auth/logout")
class Logout(MethodView):
    @login_required
    @blp.response(204)
    def post(self):
        """Sign out: the session ends on the server, so a copy of the cookie is worthless."""
        auth.sign_out(require_login())


@blp.route("/auth/logout-everywhere")
class LogoutEverywhere(MethodView):
    @login_required
    @blp.response(204)
    def post(self):
        """End every other session of mine (all of them, when called with a token)."""
        service.end_other_sessions(user=require_login(), keep=auth.current_session())


@blp.route("/auth/sessions")
class Sessions(MethodView):
    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(SessionSchema))
    def get(self, limit, cursor):
        """My signed-in browsers, newest first; `current` marks this request's."""
        return paginate(
            service.sessions_of(require_login()),
            keys=[UserSession.id],
            limit=limit,
            cursor=cursor,
            descending=True,
        )


@blp.route("/auth/sessions/<int:session_id>")
class SessionItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, session_id):
        """End one of my sessions (ending the current one signs this browser out)."""
        user = require_login()
        target = service.get_own_session(user=user, session_id=session_id)
        current = auth.current_session()
        if current is not None and current.id == target.id:
            auth.sign_out(user)
        else:
            service.end_session(user=user, user_session=target)


@blp.route("/auth/password")
class Password(MethodView):
    @account_limit(account_signed_in)
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(403, description="The current password is wrong; nothing changed.")
    def post(self, data):
        """Change my password; every other session of mine ends, this one stays (with a
        new cookie: a copy of the old one is worthless too)."""
        user = require_login()
        try:
            service.change_password(
                user=user,
                current_password=data["current_password"],
                new_password=data["new_password"],
                keep=auth.current_session(),
            )
        except service.WrongPassword:
            auth.note_failed_password(via="password", user_id=user.id, actor=user)
            raise
        auth.renew_current_session()
