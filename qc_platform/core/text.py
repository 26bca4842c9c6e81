"""Accent-insensitive search that works the same on SQLite and PostgreSQL.

Searchable rows keep a folded copy of their text (``fold``: compatibility-decomposed,
combining marks removed, case-folded, spaces collapsed), and queries are folded the
same way, so "caffe" finds "Caffè" and "CITTÀ" finds "città" without database
extensions. Use the patterns with ``column.like(pattern, escape=LIKE_ESCAPE)``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
LIKE_ESCAPE = "\\"
MAX_TERMS = 8


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def contains_pattern(word: str) -> str:
    """A LIKE pattern matching the folded ``word`` anywhere, wildcards escaped."""
    escaped = fold(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_terms(query: str | None) -> list[str]:
    """One LIKE pattern per word of the query (at most eight): every word must appear."""
    return [contains_pattern(word) for word in fold(query).split(" ") if word][:MAX_TERMS]
