"""Schema building blocks shared by every module."""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Shorter than minimum length 1.")


# Control characters (Unicode Cc: C0, DEL and C1, which hold NEL) and the Unicode line and
# paragraph separators. A title with a CR/LF in it breaks e-mail subjects, logs and
# calendar feeds; nobody types the others.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Text of several lines keeps its line breaks and tabs; the other control characters go.
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

SINGLE_LINE_ERROR = "Must be a single line, without control characters."
TEXT_ERROR = "Contains control characters that are not allowed."


def single_line(value: str) -> None:
    if _NOT_IN_A_LINE.search(value):
        raise ValidationError(SINGLE_LINE_ERROR)


def multi_line(value: str) -> None:
    if _NOT_IN_TEXT.search(value):
        raise ValidationError(TEXT_ERROR)


class SingleLineString(fields.String):
    """Text of one line: titles, names, codes. Refuses line breaks, tabs and every other
    control character (422 naming the field)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [single_line, *self.validators]


class MultiLineString(fields.String):
    """Text of several lines: descriptions, messages, bodies. Keeps line breaks (LF, CR)
    and tabs; refuses the other control characters (422 naming the field)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [multi_line, *self.validators]


class AwareDateTime(fields.AwareDateTime):
    """ISO 8601 with offset in and out; naive input is read as Europe/Rome local time."""

    def __init__(self, **kwargs):
        from qc_platform.core.clock import ROME

        super().__init__(format="iso", default_timezone=ROME, **kwargs)


def plausible_datetime(value) -> None:
    """A moment of this project's life: years 2000 to 2200. (Year 9999 at -14:00 has no
    UTC time at all, and would fail later as a 500.)"""
    if not 2000 <= value.year <= 2200:
        raise ValidationError("Not a valid datetime.")


class LocalisedString(fields.String):
    """Dumps ``<attribute>_<locale>`` for the request's locale (``it`` or ``en``)."""

    def __init__(self, base: str, **kwargs):
        super().__init__(dump_only=True, **kwargs)
        self.base = base

    def get_value(self, obj, attr, accessor=None, default=None):
        from qc_platform.core.i18n import current_locale

        return getattr(obj, f"{self.base}_{current_locale()}")


SLUG = validate.Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Use lower-case letters, digits and hyphens."
)
MAX_INT = 2**31 - 1
