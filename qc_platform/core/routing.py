"""URL converters shared by every blueprint."""

from werkzeug.routing import BaseConverter, IntegerConverter

from qc_platform.core.schemas import MAX_INT


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that never matches ids beyond a 32-bit integer column (→ 404, not 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


class RegexConverter(BaseConverter):
    """``<regex('pattern'):name>`` for the few routes that need one."""

    def __init__(self, map, regex: str):
        super().__init__(map)
        self.regex = regex
