"""The production app plus one bare route, for benchmarks only: ``gunicorn … bench.bench_wsgi:app``.

``POST /bench/echo`` reads the JSON body and answers a small JSON object: the baseline that
``bench_timebank.py`` measures next to ``POST /api/v1/timebank/transfers`` in the same
gunicorn process (routing, the app's request hooks, JSON in and out; no authentication, no
database). The route exists only in this module; the product (``wsgi.py``) never has it.
"""

from flask import request

from qc_platform import create_app
from qc_platform.core.csrf import csrf_exempt

app = create_app()


@csrf_exempt
def echo():
    data = request.get_json(silent=True)
    return {"ok": True, "fields": len(data) if isinstance(data, dict) else 0}


app.add_url_rule("/bench/echo", endpoint="bench_echo", view_func=echo, methods=["POST"])
