"""Quartieri Connessi platform.

``flask --app qc_platform`` and ``gunicorn 'qc_platform:create_app()'`` find the application
factory here; it lives in :mod:`qc_platform.app`, which no other module of the package imports
(an import-linter contract in ``pyproject.toml`` checks it).
"""

from qc_platform.app import create_app

__all__ = ["create_app"]
