"""GeoReport v2 documents in JSON and XML, in the caller's language.

The same data renders both ways: a list becomes a JSON array or an XML root element
with one child per item (``<services><service>…``); ``None`` is JSON ``null`` and an
empty XML element; booleans are ``true``/``false``. Dates are W3C/ISO 8601 with the
offset of Milan's time zone, as the specification's examples show
(``2010-04-14T06:37:38-08:00``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - we only write XML

from flask import Response, request

from qc_platform.core.clock import ROME
from qc_platform.core.i18n import LOCALES, current_locale

JSON_MIMETYPE = "application/json"
XML_MIMETYPE = "text/xml"
FORMATS = ("json", "xml")
# The format as the last part of a URL rule: "/services.<any(json, xml):fmt>".
FORMAT_IN_PATH = f"<any({', '.join(FORMATS)}):fmt>"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# The element name of each item of a list, by the name of the list.
ITEM_TAGS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry at all, not even escaped: dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def requested_format() -> str:
    """``json`` or ``xml``, from the path's extension (JSON when there is none)."""
    fmt = (request.view_args or {}).get("fmt")
    if fmt in FORMATS:
        return fmt
    return "xml" if request.path.lower().endswith(".xml") else "json"


def open311_locale() -> str:
    """``locale`` (a GeoReport extension some clients send), else Accept-Language."""
    value = request.args.get("locale", "")[:2].lower()
    return value if value in LOCALES else current_locale()


def w3c_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(ROME).isoformat(timespec="seconds")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c_datetime(value)
    return _NOT_XML.sub("", str(value))


def _fill(element: Element, value) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(SubElement(element, name), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(element.tag, element.tag)
        for item in value:
            _fill(SubElement(element, item_tag), item)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, data, item_tag: str | None = None) -> bytes:
    root = Element(root_tag)
    if isinstance(data, list):
        for item in data:
            _fill(SubElement(root, item_tag or root_tag), item)
    else:
        _fill(root, data)
    # The declaration as the specification prints it (ElementTree's uses single quotes).
    return XML_DECLARATION + tostring(root, encoding="unicode").encode()


def _json_default(value):
    if isinstance(value, datetime):
        return w3c_datetime(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def respond(
    data,
    *,
    fmt: str,
    root_tag: str,
    item_tag: str | None = None,
    status: int = 200,
    headers: dict | None = None,
) -> Response:
    """The document as JSON, or as XML under ``root_tag`` (lists: one ``item_tag`` each)."""
    if fmt == "xml":
        body = to_xml(root_tag, data, item_tag)
        mimetype = XML_MIMETYPE
    else:
        body = json.dumps(data, ensure_ascii=False, default=_json_default).encode()
        mimetype = JSON_MIMETYPE
    # text/xml gets "; charset=utf-8" from werkzeug, as the declaration inside says.
    response = Response(body, status=status, mimetype=mimetype)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(fmt: str, code: int, description: str, headers: dict | None = None):
    """GeoReport's errors: a list of ``{code, description}``, ``<errors><error>`` in XML."""
    return respond(
        [{"code": code, "description": description}],
        fmt=fmt,
        root_tag="errors",
        item_tag="error",
        status=code,
        headers=headers,
    )
