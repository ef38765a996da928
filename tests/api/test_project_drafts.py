"""GET /projects/{id}/people/{member_id}/draft over HTTP (#31 item 2) with the real model on the
test community: a French-speaking invitee's draft is French without asking, names the reasons and
the titles of her contributions, and says how to say no; another language on request; the draft
of someone outside the project is a 404 and a reader cannot ask for one."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import Encoder
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from matcher.drafts import template
from tests.conftest import make_settings

AMINATA = "m-0004"  # occasional, Dakar, faecal sludge; languages fr, en
BRIEF = {"title": "Assainissement à Dakar", "size": 2,
         "needs": ["faecal sludge treatment", "decentralised sanitation in Dakar"]}


def test_an_invitation_draft_in_the_invitees_language(community_home: Path,
                                                      real_encoder: Encoder) -> None:
    store = SqliteStore(make_settings(community_home).storage.database_path)
    keys = KeyStore(store)
    editor = {"X-API-Key": keys.create("editor", name="coordinator")[1]}
    reader = {"X-API-Key": keys.create("reader", name="reader")[1]}
    store.close()
    with TestClient(create_app(make_settings(community_home), encoder=real_encoder)) as c:
        pid = c.post("/projects", json=BRIEF, headers=editor).json()["project_id"]
        suggested = c.post(f"/projects/{pid}/suggest", json={}, headers=editor).json()
        people = suggested["team"] + suggested["invitations"]
        assert AMINATA in [p["member_id"] for p in people], suggested
        url = f"/projects/{pid}/people/{AMINATA}/draft"

        r = c.get(url, headers=editor)
        assert r.status_code == 200, r.text
        draft = r.json()
        assert draft["language"] == "fr" and draft["subject"].startswith("Invitation : ")
        body = draft["body"]
        assert body.startswith("Bonjour Aminata Diallo,")
        assert "Assainissement à Dakar" in body and "faecal sludge treatment" in body
        assert template("fr")["say_no"] in body and template("fr")["ask"] in body
        reasons = [line for line in body.splitlines() if line.startswith("- ")]
        assert reasons and all("«" in line for line in reasons)
        assert "Je pense notamment à : «" in body  # the titles of her contributions
        mail = urllib.parse.urlparse(draft["mailto"])
        assert mail.scheme == "mailto" and "@" in mail.path  # the coordinator sees contacts

        english = c.get(url, params={"language": "en", "signature": "Awa, WASH coordinator"},
                        headers=editor).json()
        assert english["language"] == "en" and english["body"].startswith("Dear Aminata")
        assert english["body"].endswith("Awa, WASH coordinator")

        r = c.get(url, params={"language": "de"}, headers=editor)
        assert r.status_code == 422 and r.json()["field"].endswith("language")
        outsider = next(m for m in ("m-0011", "m-0012", "m-0010")
                        if m not in [p["member_id"] for p in c.get(
                            f"/projects/{pid}", headers=editor).json()["people"]])
        r = c.get(f"/projects/{pid}/people/{outsider}/draft", headers=editor)
        assert r.status_code == 404 and r.json()["field"] == "member_id"
        assert c.get(url, headers=reader).status_code == 403
        assert c.get(url).status_code == 401
