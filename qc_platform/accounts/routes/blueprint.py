"""The accounts API's one blueprint; its views live in the files beside this one."""

from flask_smorest import Blueprint

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix="/api/v1",
    description="Accounts, sign-in, personal tokens, role grants, tenancy verification.",
)
