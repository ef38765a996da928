"""Access control: roles, bad keys, revocation, failed-attempt limiting, the audit log, CORS."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import get_keys
from api.limiter import FailureLimiter
from indexing.encoders.base import Encoder
from indexing.store import keys as keys_module
from tests.api.conftest import Api
from tests.conftest import make_settings

ORG = {"id": "org-auth", "name": "Auth Org", "kind": "ngo"}


@pytest.mark.parametrize("role,status", [("none", 401), ("bad", 401), ("reader", 403),
                                         ("taskforce", 403), ("editor", 201), ("admin", 201)])
def test_writes_need_an_editor_key(api: Api, role: str, status: int) -> None:
    fixed = {"none": {}, "bad": api.h("ws_000000000000_" + "x" * 43)}
    headers = fixed[role] if role in fixed else api.h(getattr(api, role))
    r = api.client.post("/organisations", json=ORG, headers=headers)
    assert r.status_code == status
    if status >= 400:
        assert r.json()["field"] == "X-API-Key" and "detail" in r.json()


@pytest.mark.parametrize("method,path", [("post", "/admin/reindex"), ("get", "/admin/audit"),
                                         ("get", "/admin/keys")])
def test_admin_routes_need_admin(api: Api, method: str, path: str) -> None:
    call = getattr(api.client, method)
    assert call(path).status_code == 401
    assert call(path, headers=api.h(api.editor)).status_code == 403
    assert call(path, headers=api.h(api.admin)).status_code == 200


def test_a_bad_key_is_refused_even_on_public_routes(api: Api) -> None:
    r = api.client.get("/experts", params={"q": "water"}, headers=api.h("not-a-key"))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "ApiKey"
    wrong_secret = api.reader[:-4] + "AAAA"
    assert api.client.get("/stats", headers=api.h(wrong_secret)).status_code == 401


def test_key_management_over_http_and_revocation(api: Api) -> None:
    adm = api.h(api.admin)
    r = api.client.post("/admin/keys", json={"role": "editor", "spaces": ["board"]}, headers=adm)
    assert r.status_code == 201
    made = r.json()
    assert made["key"].startswith(f"ws_{made['key_id']}_") and made["spaces"] == ["board"]
    listed = api.client.get("/admin/keys", headers=adm).json()
    assert made["key_id"] in {k["key_id"] for k in listed["results"]}
    assert all("key" not in k for k in listed["results"])
    new = api.h(made["key"])
    assert api.client.get("/contributions/c-00028", headers=new).status_code == 200  # board
    assert api.client.delete(f"/admin/keys/{made['key_id']}", headers=adm).status_code == 200
    assert api.client.get("/stats", headers=new).status_code == 401
    assert api.client.delete("/admin/keys/nope", headers=adm).status_code == 404
    r = api.client.post("/admin/keys", json={"role": "wizard"}, headers=adm)
    assert r.status_code == 422 and r.json()["field"] == "role"


def test_keys_are_stored_hashed(api: Api) -> None:
    raw = Path(api.settings.storage.database_path).read_bytes()
    for path in Path(api.settings.storage.database_path).parent.glob("wellspring.db*"):
        raw += path.read_bytes()
    for key in (api.admin, api.editor, api.reader):
        secret = key.split("_", 2)[2]  # ws_<key id>_<secret>: the secret may hold "_" itself
        assert len(secret) == 43 and secret.encode() not in raw


def _limit(api: Api, limit: int = 3) -> None:
    state = api.client.app.state.wellspring  # type: ignore[attr-defined]
    state.limiter = FailureLimiter(get_keys(state), limit=limit, window_s=60)


def _count_kdf(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the PBKDF2 runs of key checks (the real function still runs)."""
    calls = [0]
    real = keys_module._hash

    def counting(secret: str, salt: bytes, iterations: int) -> bytes:
        calls[0] += 1
        return real(secret, salt, iterations)

    monkeypatch.setattr(keys_module, "_hash", counting)
    return calls


def wrong_secret(key: str) -> str:
    prefix, key_id, _ = key.split("_", 2)
    return f"{prefix}_{key_id}_" + "y" * 43


def test_unknown_key_ids_never_lock_out_a_valid_key(api: Api, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    """#26 item 4: twelve bad keys from one address, then a valid admin key: 200, and the
    unknown key ids cost no KDF at all."""
    _limit(api)
    kdf = _count_kdf(monkeypatch)
    bad = [api.h(f"ws_{i:012d}_" + "y" * 43) for i in range(12)]
    assert [api.client.get("/stats", headers=h).status_code for h in bad] == [401] * 12
    assert api.client.get("/stats", headers=api.h("not a key")).status_code == 401
    assert kdf[0] == 0
    assert api.client.get("/stats", headers=api.h(api.admin)).status_code == 200


def test_wrong_secrets_are_limited_per_key_id_and_client(api: Api,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _limit(api)
    assert api.client.get("/stats", headers=api.h(api.editor)).status_code == 200  # remembered
    kdf = _count_kdf(monkeypatch)
    bad = api.h(wrong_secret(api.editor))
    assert [api.client.get("/stats", headers=bad).status_code for _ in range(3)] == [401] * 3
    assert kdf[0] == 3
    r = api.client.get("/stats", headers=bad)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    said = r.json()["errors"][0]  # the same wait, as a code a client says in its own words
    assert said["code"] == "too_many_attempts"
    assert said["params"] == {"seconds": int(r.headers["retry-after"])}
    for _ in range(20):  # past the limit a wrong secret costs no KDF
        assert api.client.get("/stats", headers=bad).status_code == 429
    assert kdf[0] == 3
    # verified before refusing: the same key id's valid secret (remembered), the client's
    # other keys, and the public all pass
    assert api.client.get("/stats", headers=api.h(api.editor)).status_code == 200
    assert api.client.get("/stats", headers=api.h(api.admin)).status_code == 200
    assert api.client.get("/stats", headers=api.h(api.reader)).status_code == 200
    assert api.client.get("/stats").status_code == 200


def test_audit_log_records_every_write_without_contents(api: Api) -> None:
    ed, adm = api.h(api.editor), api.h(api.admin)
    member = {"id": "m-aud", "name": "Audrey", "organisation_id": "org-meridian-consult",
              "country": "FR", "level": "core", "contact": "audrey-secret@example.org",
              "bio": "private words"}
    api.client.post("/members", json=member, headers=ed)
    api.client.put("/members/m-aud", json={**member, "bio": "other words"}, headers=ed)
    api.client.delete("/members/m-aud", headers=ed)
    api.client.post("/admin/reindex", headers=adm)
    log = api.client.get("/admin/audit", headers=adm).json()
    actions = [(e["action"], e["kind"], e["ids"]) for e in log["results"]]
    assert actions == [("reindex", "index", []), ("delete", "member", ["m-aud"]),
                       ("replace", "member", ["m-aud"]), ("create", "member", ["m-aud"])]
    editor_id = api.editor.split("_")[1]
    assert {e["key_id"] for e in log["results"][1:]} == {editor_id}
    assert log["results"][2]["detail"]["fields"] == ["bio"]
    assert "audrey-secret" not in str(log) and "words" not in str(log)
    only = api.client.get("/admin/audit", params={"key_id": editor_id, "limit": 1},
                          headers=adm).json()
    assert only["total"] == 3 and only["count"] == 1


def test_no_contact_or_private_text_in_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    member = {"id": "m-log", "name": "Logan", "organisation_id": "org-meridian-consult",
              "country": "FR", "level": "core", "contact": "logan-secret@example.org"}
    api.client.post("/members", json=member, headers=api.h(api.editor))
    api.client.get("/members/m-log", headers=api.h(api.reader))
    api.client.get("/contributions/c-00007", headers=api.h(api.taskforce))
    api.client.get("/stats", headers=api.h("ws_bad"))
    text = caplog.text
    assert "logan-secret" not in text and "correlator" not in text.lower()
    assert api.reader not in text and "ws_bad" not in text


def test_cors_off_by_default_and_configurable(community_home: Path, real_encoder: Encoder,
                                              api: Api) -> None:
    origin = {"Origin": "https://platform.example.org"}
    assert "access-control-allow-origin" not in api.client.get("/stats", headers=origin).headers
    api.client.__exit__(None, None, None)  # one service process per store: stop the first
    settings = make_settings(community_home, http={"cors_origins": ["https://platform.example.org"]})
    with TestClient(create_app(settings, encoder=real_encoder)) as client:
        r = client.get("/stats", headers=origin)
        assert r.headers["access-control-allow-origin"] == "https://platform.example.org"
        pre = client.options("/members", headers={**origin, "Access-Control-Request-Method":
                                                  "POST", "Access-Control-Request-Headers":
                                                  "x-api-key"})
        assert pre.status_code == 200
