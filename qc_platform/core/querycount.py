"""Count the SQL statements a block of code runs (used by tests and benchmarks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: Engine | None = None) -> Iterator[QueryCount]:
    """Record every statement sent on ``engine`` (or on any engine) inside the block.

    Savepoint bookkeeping of the test harness is not counted.
    """
    counter = QueryCount()
    target = engine if engine is not None else Engine

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            return
        counter.statements.append(statement)

    event.listen(target, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(target, "before_cursor_execute", before_cursor_execute)
