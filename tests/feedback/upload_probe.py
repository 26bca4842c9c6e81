"""Report attachments uploaded in a fresh process, and the memory each upload took.

``python -m tests.feedback.upload_probe FILE...`` builds the app on a throw-away SQLite
database, gives a tenant a personal token and a report, uploads each FILE in turn to that
report through the app's test client, and prints one line of JSON: for each file, the
response's status and body, the process's resident memory just before the upload and its
peak during it (kB, from Linux's ``/proc/self/status``). The peak is reset before each
upload where the kernel allows it (``clear_refs``); where it does not, it is the process's
peak so far, so an upload compared with an earlier one still shows how far it went above it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart


def memory_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1))


def reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def main(paths: list[str]) -> None:
    from qc_platform import create_app
    from qc_platform.cli import seed_reference_data
    from qc_platform.extensions import db
    from qc_platform.feedback import service as feedback
    from tests.accounts.factories import bearer, user_with_roles
    from tests.feedback.factories import complex_ab

    results = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "upload-probe-secret-key-not-for-production",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/probe.sqlite3",
                "RATELIMIT_ENABLED": False,
                "QC_FRONTEND_DIST": f"{folder}/dist",
                "QC_UPLOAD_DIR": f"{folder}/uploads",
                "QC_ARGON2_TIME_COST": 1,
                "QC_ARGON2_MEMORY_COST": 8,
            }
        )
        with app.app_context():
            db.create_all()
            seed_reference_data()
            complex_a, _ = complex_ab()
            tenant = user_with_roles(("tenant", "complex", complex_a))
            headers = bearer(tenant)
            report = feedback.submit(
                author=tenant,
                complex_id=complex_a,
                category="maintenance",
                title="Ascensore fermo",
                description="L'ascensore della scala B è fermo.",
            )
            db.session.commit()
            url = f"/api/v1/feedback/reports/{report.id}/attachments"
            db.session.remove()
        client = app.test_client()
        for path in paths:
            form = {"file": FileStorage(io.BytesIO(Path(path).read_bytes()), filename=path)}
            body, _, boundary = stream_encode_multipart(form, use_tempfile=False)
            del form
            reset_peak()
            before = memory_kb("VmRSS")
            response = client.post(
                url,
                data=body.getvalue(),
                content_type=f"multipart/form-data; boundary={boundary}",
                headers=headers,
            )
            results.append(
                {
                    "status": response.status_code,
                    "body": response.get_json(),
                    "rss_before_kb": before,
                    "peak_kb": memory_kb("VmHWM"),
                }
            )
        with app.app_context():
            db.engine.dispose()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
