"""Schema building blocks shared by every module."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Shorter than minimum length 1.")


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
