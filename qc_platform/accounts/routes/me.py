"""The signed-in person: /auth/me, their profile and personal tokens."""

from __future__ import annotations

from flask.views import MethodView

from qc_platform.accounts import (
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.accounts.models import ApiToken
from qc_platform.accounts.routes.blueprint import blp
from qc_platform.accounts.routes.common import (
    account_in_body,
    account_limit,
    check_credentials,
    login_limit,
    me,
)
from qc_platform.accounts.schemas import (
    MeSchema,
    ProfileUpdateSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenSchema,
    UserSchema,
)
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import limiter


@blp.route("/auth/me")
class Me(MethodView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user, their roles and the CSRF token for cookie-authenticated writes."""
        return me(require_login())


@blp.route("/users/me")
class UsersMe(MethodView):
    @login_required
    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data):
        """Change my display name or language (of the web app, notifications and e-mails)."""
        return service.update_profile(user=require_login(), **data)


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @limiter.limit(login_limit)
    @account_limit(account_in_body)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema)
    @blp.alt_response(401, description="Wrong e-mail or password.")
    @blp.alt_response(429, description="Too many attempts from this address or at this account.")
    def post(self, data):
        """Issue a personal bearer token, valid `expires_in_days` (default 90). The secret
        is in this response only."""
        user = check_credentials(data["email"], data["password"], via="token")
        token, clear = service.create_token(
            user=user, name=data["name"], expires_in_days=data["expires_in_days"]
        )
        token.token = clear
        return token

    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(TokenSchema))
    def get(self, limit, cursor):
        """My tokens, expired ones included (never their secrets)."""
        user = require_login()
        return paginate(service.tokens_of(user), keys=[ApiToken.id], limit=limit, cursor=cursor)


@blp.route("/auth/tokens/<int:token_id>")
class TokenItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, token_id):
        """Revoke one of my tokens."""
        service.revoke_token(user=require_login(), token_id=token_id)
