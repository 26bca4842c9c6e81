"""The WSGI entry point for gunicorn: ``gunicorn -k gthread -w 1 --threads 100 --no-control-socket wsgi:app``."""

from qc_platform import create_app

app = create_app()
