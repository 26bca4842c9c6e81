"""One table of the web app's pages (``qc_platform/webapp/pages.json``): the server answers
exactly its paths with the app, and the client's router is built from it, so a page added
in one place only fails here (or in the permission matrix, or the web build)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qc_platform.webapp import HEADS, PAGES
from tests.activities.helpers import make_activity

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
SRC = FRONTEND / "src"
# The webapp blueprint's routes that are not pages: the build's files, docs, health.
NOT_PAGES = {
    "webapp.asset",
    "webapp.root_file",
    "webapp.healthz",
    "webapp.readyz",
    "webapp.api_docs",
}
# What the client's router understands: `<name>` and `<int:name>` (frontend/src/router.ts).
PARAMETER = re.compile(r"<(?:int:)?([a-z_]+)>")


def sample(path: str, activity_id: int | None = None) -> str:
    """A URL of the page: 1 for a number, a word for a slug."""
    return PARAMETER.sub(
        lambda m: str(activity_id or 1) if m.group(0).startswith("<int:") else "boccioni", path
    )


def test_the_table_is_one_the_server_and_the_client_both_read():
    paths = [page["path"] for page in PAGES]
    assert len(paths) == len(set(paths)), "a path is in pages.json twice"
    for page in PAGES:
        assert set(page) <= {"path", "module", "export", "eager", "head"}, page
        # no converter the client's router would not understand
        assert "<" not in PARAMETER.sub("", page["path"]), page["path"]
        assert page["path"].startswith("/") and not page["path"].startswith("/api/")
        assert page.get("head", "activity") in HEADS, page
        # eager pages are in the main bundle (and precached): the shell's own pages/
        assert page.get("eager", False) == page["module"].startswith("pages/"), page


@pytest.mark.parametrize("page", PAGES, ids=[page["path"] for page in PAGES])
def test_every_page_of_the_table_is_answered_with_the_app(client, page):
    activity_id = make_activity(rrule=None).id if "head" in page else None
    response = client.get(sample(page["path"], activity_id))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<main>app</main>" in response.get_data(as_text=True)
    # with a slash at the end too, as the client's router accepts it
    assert client.get(sample(page["path"], activity_id) + "/").status_code == 200


def test_the_server_answers_no_page_outside_the_table(app):
    served = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("webapp.") and rule.endpoint not in NOT_PAGES
    }
    assert served == {page["path"] for page in PAGES}


@pytest.mark.parametrize(
    "path", ["/segnalazioni/abc", "/scambi/miei/altro", "/pagina-che-non-c-e", "/kiosk"]
)
def test_a_path_outside_the_table_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"


def test_the_client_router_is_built_from_the_table():
    # vite.config.ts turns the table into `virtual:qc-pages`; main.ts routes exactly those
    config = (FRONTEND / "vite.config.ts").read_text(encoding="utf-8")
    assert "resolve(root, '../qc_platform/webapp/pages.json')" in config
    main = (SRC / "main.ts").read_text(encoding="utf-8")
    assert "import pages from 'virtual:qc-pages'" in main
    assert "for (const { path, page } of pages) route(path, page)" in main
    # ... and no module adds a page of its own
    for source in SRC.rglob("*.ts"):
        text = source.read_text(encoding="utf-8")
        calls = re.findall(r"\broute\(\s*['\"`]", text)
        assert not calls, f"{source.relative_to(FRONTEND)} routes a page outside pages.json"
    # every page's module exists and exports the page
    for page in PAGES:
        module = SRC / f"{page['module']}.ts"
        assert module.is_file(), f"{page['path']}: no {module.relative_to(FRONTEND)}"
        exported = rf"^export (async )?(function|const) {page['export']}\b"
        assert re.search(exported, module.read_text(encoding="utf-8"), re.M), page


# A browser's navigation (Chromium's Accept header): it asks for HTML first.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "path", ["/pagina-che-non-c-e", "/scambi/miei/altro", "/segnalazioni/abc", "/kiosk"]
)
def test_a_browser_opening_an_unknown_page_gets_the_app_with_a_404(client, path):
    # the app's router then shows its "page not found"; the status tells crawlers too
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<main>app</main>" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/feedback/reports/abc", "/api/", "/api/v1/spaces/nowhere"],
)
def test_api_paths_keep_the_json_404_even_for_a_browser(client, path):
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["code"] == 404


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/json, */*"])
def test_scripts_asking_for_an_unknown_path_get_the_json_404(client, accept):
    # fetch() sends */*: a script is never handed a page
    response = client.get("/pagina-che-non-c-e", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.mimetype == "application/json"


def test_only_reads_get_the_html_404(client):
    response = client.post("/pagina-che-non-c-e", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert response.mimetype == "application/json"
