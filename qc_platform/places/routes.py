"""Places API: /areas, /complexes, /organisations, /spaces (public reads, admin writes)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import permission_required, require_login
from qc_platform.places import (
    messages,  # noqa: F401 - registers the texts
    policies,
    service,
)
from qc_platform.places.models import Complex, Organisation, ProjectArea, Space
from qc_platform.places.schemas import (
    AreaCreateSchema,
    AreaSchema,
    AreaUpdateSchema,
    ComplexCreateSchema,
    ComplexSchema,
    ComplexUpdateSchema,
    OrganisationCreateSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    SpaceCreateSchema,
    SpaceDetailSchema,
    SpaceQueryArgsSchema,
    SpaceSchema,
    SpaceUpdateSchema,
)

blp = Blueprint(
    "places",
    __name__,
    url_prefix="/api/v1",
    description="Project areas, ERP complexes, operator organisations and the nine spaces.",
)

admin_only = permission_required(policies.PLACES_MANAGE)


def _collection(model, item_schema, create_schema, order_key, summary):
    """GET (public, paginated) and POST (admin) for a simple kind of place."""

    class Collection(MethodView):
        @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
        @blp.response(200, page_schema(item_schema))
        def get(self, limit, cursor):
            query = service.search_all(model)
            return paginate(query, keys=[order_key, model.id], limit=limit, cursor=cursor)

        @admin_only
        @blp.arguments(create_schema)
        @blp.response(201, item_schema)
        @blp.alt_response(409, description="The code is taken.")
        def post(self, data):
            return service.create(actor=require_login(), model=model, data=data)

    Collection.get.__doc__ = f"List the {summary} (public)."
    Collection.post.__doc__ = f"Create one of the {summary} (admin)."
    Collection.__name__ = f"{model.__name__}Collection"
    return Collection


def _item(model, item_schema, update_schema, summary):
    class Item(MethodView):
        @blp.response(200, item_schema)
        def get(self, object_id):
            return service.get(model, object_id)

        @admin_only
        @blp.arguments(update_schema)
        @blp.response(200, item_schema)
        def patch(self, data, object_id):
            obj = service.get(model, object_id)
            return service.update(actor=require_login(), obj=obj, data=data)

    Item.get.__doc__ = f"One of the {summary} (public)."
    Item.patch.__doc__ = f"Change one of the {summary} (admin)."
    Item.__name__ = f"{model.__name__}Item"
    return Item


blp.route("/areas")(
    _collection(ProjectArea, AreaSchema, AreaCreateSchema, ProjectArea.number, "project areas")
)
blp.route("/areas/<int:object_id>")(
    _item(ProjectArea, AreaSchema, AreaUpdateSchema, "project areas")
)
blp.route("/complexes")(
    _collection(Complex, ComplexSchema, ComplexCreateSchema, Complex.code, "ERP complexes")
)
blp.route("/complexes/<int:object_id>")(
    _item(Complex, ComplexSchema, ComplexUpdateSchema, "ERP complexes")
)
blp.route("/organisations")(
    _collection(
        Organisation,
        OrganisationSchema,
        OrganisationCreateSchema,
        Organisation.slug,
        "operator organisations",
    )
)
blp.route("/organisations/<int:object_id>")(
    _item(Organisation, OrganisationSchema, OrganisationUpdateSchema, "operator organisations")
)


@blp.route("/spaces")
class Spaces(MethodView):
    @blp.arguments(SpaceQueryArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(SpaceSchema))
    def get(self, area, complex_id, organisation_id, limit, cursor):
        """The spaces, in project-area order (public). Filter by area code, complex, organisation."""
        query = service.search_spaces(
            area=area, complex_id=complex_id, organisation_id=organisation_id
        )
        return paginate(query, keys=[Space.area_id, Space.id], limit=limit, cursor=cursor)

    @admin_only
    @blp.arguments(SpaceCreateSchema)
    @blp.response(201, SpaceSchema)
    @blp.alt_response(409, description="The slug is taken.")
    def post(self, data):
        """Create a space (admin)."""
        return service.create(actor=require_login(), model=Space, data=data)


@blp.route("/spaces/<string:space_ref>")
class SpaceItem(MethodView):
    @blp.response(200, SpaceDetailSchema)
    def get(self, space_ref):
        """One space, by id or slug, with its area, complex and organisation (public)."""
        return service.get_space(space_ref)

    @admin_only
    @blp.arguments(SpaceUpdateSchema)
    @blp.response(200, SpaceSchema)
    def patch(self, data, space_ref):
        """Change a space (admin)."""
        space = service.get_space(space_ref)
        return service.update(actor=require_login(), obj=space, data=data)
