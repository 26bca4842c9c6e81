"""The activity's page as the server sends it: the app, with the schema.org Event already in
<head>, for search engines and link previews that run no scripts."""

from __future__ import annotations

import json
import re

from tests.activities.helpers import API, make_activity

LD = re.compile(r'<script type="application/ld\+json" id="qc-activity-jsonld">(.*?)</script>', re.S)


def test_the_page_carries_the_event_and_its_title(client):
    activity = make_activity(title="Tè & biscotti </script><b>", rrule=None)
    response = client.get(f"/attivita/{activity.id}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    found = LD.findall(html)
    assert len(found) == 1
    # the title cannot close the script element nor open a tag
    assert "</script><b>" not in found[0]
    data = json.loads(found[0])
    assert data == client.get(f"{API}/activities/{activity.id}/jsonld").get_json()
    assert data["@type"] == "Event"
    assert data["name"] == "Tè & biscotti </script><b>"
    assert "<title>Tè &amp; biscotti &lt;/script&gt;&lt;b&gt; · Quartieri Connessi</title>" in html
    assert "<main>app</main>" in html  # the app itself, as on every other page


def test_an_unknown_activity_is_the_app_with_a_404(client):
    response = client.get("/attivita/999999")
    assert response.status_code == 404
    assert "<main>app</main>" in response.get_data(as_text=True)
    assert not LD.search(response.get_data(as_text=True))


def test_the_page_is_compressed_for_browsers_that_accept_it(client):
    activity = make_activity(rrule=None)
    response = client.get(f"/attivita/{activity.id}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
