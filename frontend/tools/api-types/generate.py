"""Writes ``frontend/src/api-schema.d.ts``, the API's TypeScript types, from its OpenAPI document.

    .venv/bin/python frontend/tools/api-types/generate.py           # make api-types
    .venv/bin/python frontend/tools/api-types/generate.py --check   # make lint: fails if stale

The document is the one the app serves at ``/api/openapi.json``, built by an app with the
default settings (no ``QC_*`` variable of the environment is read) and written with sorted
keys, so the same code always gives the same file; openapi-typescript (this folder's
package.json, installed by ``npm ci`` in ``frontend/``) turns it into types.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRONTEND = HERE.parents[1]
ROOT = FRONTEND.parent
TARGET = FRONTEND / "src" / "api-schema.d.ts"
OPENAPI_TYPESCRIPT = HERE / "node_modules" / ".bin" / "openapi-typescript"
HEADER = (
    "// The API's types, generated from its OpenAPI document by `make api-types`\n"
    "// (frontend/tools/api-types/generate.py): do not edit, regenerate.\n"
)


def openapi_document(instance: Path) -> str:
    for name in [name for name in os.environ if name.startswith(("QC_", "FLASK_"))]:
        del os.environ[name]
    sys.path.insert(0, str(ROOT))
    from qc_platform import create_app

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "api-types",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_ENABLED": False,
        }
    )
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200, response.status
    return json.dumps(response.get_json(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def generate(work: Path) -> str:
    document = work / "openapi.json"
    document.write_text(openapi_document(work / "instance"), encoding="utf-8")
    if not OPENAPI_TYPESCRIPT.exists():
        sys.exit(f"{OPENAPI_TYPESCRIPT.relative_to(ROOT)} is missing: cd frontend && npm ci")
    output = work / "api-schema.d.ts"
    subprocess.run(  # noqa: S603 - our own tool, with paths of our own
        [
            str(OPENAPI_TYPESCRIPT),
            str(document),
            "--default-non-nullable",
            "false",
            "-o",
            str(output),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return HEADER + output.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    if argv and not check:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as work:
        types = generate(Path(work))
    relative = TARGET.relative_to(ROOT)
    if check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != types:
            print(f"{relative} does not match the API's OpenAPI document: run make api-types")
            return 1
        return 0
    TARGET.write_text(types, encoding="utf-8")
    print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
