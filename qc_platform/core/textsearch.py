"""Accent- and case-insensitive text search that works the same on SQLite and PostgreSQL.

Neither database folds accents by itself in a portable way (SQLite's ``LIKE`` only folds
ASCII case; PostgreSQL's ``unaccent`` is an extension). So a module keeps a *folded*
copy of the searchable text in a column and folds the query the same way: NFKD, combining
marks removed, ``casefold``. ``caffè`` then finds ``Caffe`` and ``CAFFÈ``.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import and_, true

MAX_TERMS = 8


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_all_terms(column, query: str):
    """SQL condition: every word of ``query`` (folded) occurs in ``column`` (already folded).

    Wildcards typed by the user (``%``, ``_``) are matched literally.
    """
    terms = fold(query).split()[:MAX_TERMS]
    if not terms:  # blank, or only marks that fold away: nothing to look for
        return true()
    return and_(*(column.like(f"%{_escape_like(term)}%", escape="\\") for term in terms))
