"""The app factory: security headers, secret key rules, error pages, upload limit, one engine per process."""
from __future__ import annotations

import re
import stat
import tomllib
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask

from kennisbank.config import DataDir
from kennisbank.web import MAX_UPLOAD_BYTES, _from_environment, create_app
from kennisbank.web.common import AppState, state

PAGES = ["/", "/?q=klantreis", "/vergelijk", "/vergelijk?thema=klantreis", "/werkende-elementen",
         "/document/factsheet-proeftuinen", "/beheer/inloggen", "/bestaat-niet", "/nieuw",
         "/passage/factsheet-proeftuinen:12/vergelijkbaar", "/document/factsheet-proeftuinen/vergelijkbaar"]


@pytest.mark.parametrize("url", [*PAGES, "/api/search?q=gezin", "/api/documents", "/static/kennisbank.css",
                                 "/document/factsheet-proeftuinen/download"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style_and_are_accessible(client, url):
    html = client.get(url).get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html, re.I)
    assert scripts == ['<script src="/static/kennisbank.js" defer>']  # one script, from a file (CSP script-src 'self')
    assert "style=" not in html.lower() and "<style" not in html.lower()
    assert '<html lang="nl">' in html
    assert 'class="skip-link" href="#inhoud"' in html and '<main id="inhoud"' in html
    assert '<nav aria-label="Hoofdmenu"' in html
    for field_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, f"{url}: veld {field_id} heeft geen label"


def test_one_engine_per_process(app, client):
    engine = state(app).engine
    client.get("/?q=gezin")
    client.get("/api/search?q=klantreis")
    assert state(app).engine is engine
    assert engine.is_open  # opened once and kept


def test_the_app_state_is_typed_and_made_once(make_app, small_data):
    app = make_app(small_data)
    shared = state(app)
    assert isinstance(shared, AppState) and shared.data == small_data and shared.worker is None
    with app.test_request_context("/"):
        assert state() is shared


def test_every_template_is_packaged():
    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    package = root / "kennisbank"
    packaged = {p for pattern in project["tool"]["setuptools"]["package-data"]["kennisbank"]
                for p in package.glob(pattern)}
    templates = set((package / "web" / "templates").rglob("*.html"))
    assert any(p.parent.name == "beheer" for p in templates) and templates <= packaged


def test_404_and_405_pages_are_dutch_html_or_json(client):
    page = client.get("/bestaat-niet")
    assert page.status_code == 404 and "Niet gevonden" in page.get_data(as_text=True)
    api = client.get("/api/bestaat-niet")
    assert api.status_code == 404 and api.is_json and api.json["status"] == 404 and api.json["error"]
    wrong = client.post("/api/search")
    assert wrong.status_code == 405 and wrong.json["error"]


def test_local_secret_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("KENNISBANK_SECRET_KEY", raising=False)
    monkeypatch.delenv("KENNISBANK_ENV", raising=False)
    data = DataDir(tmp_path / "data")
    first = create_app({"DATA_DIR": str(data.root)})
    key_file = data.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert create_app({"DATA_DIR": str(data.root)}).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("KENNISBANK_SECRET_KEY", raising=False)
    monkeypatch.setenv("KENNISBANK_ENV", "production")
    with pytest.raises(RuntimeError, match="KENNISBANK_SECRET_KEY"):
        create_app({"DATA_DIR": str(tmp_path / "data")})
    assert not DataDir(tmp_path / "data").secret_key.exists()
    monkeypatch.setenv("KENNISBANK_SECRET_KEY", "k" * 40)
    assert create_app({"DATA_DIR": str(tmp_path / "data")}).config["SECRET_KEY"] == "k" * 40


def test_account_comes_from_the_environment_and_has_no_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KENNISBANK_ADMIN_USER", raising=False)
    monkeypatch.delenv("KENNISBANK_ADMIN_PASSWORD_HASH", raising=False)
    bare = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40})
    assert not bare.config["ADMIN_USER"] and not bare.config["ADMIN_PASSWORD_HASH"]
    monkeypatch.setenv("KENNISBANK_ADMIN_USER", "anna")
    monkeypatch.setenv("KENNISBANK_ADMIN_PASSWORD_HASH", "scrypt:zzz")
    configured = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40})
    assert configured.config["ADMIN_USER"] == "anna" and configured.config["ADMIN_PASSWORD_HASH"] == "scrypt:zzz"


@pytest.mark.parametrize("word, secure, worker", [("ja", True, True), (" Off ", False, False),
                                                 ("misschien", False, None)])
def test_yes_no_settings_from_the_environment(monkeypatch, word, secure, worker):
    monkeypatch.setenv("KENNISBANK_SECURE_COOKIES", word)
    monkeypatch.setenv("KENNISBANK_OCR_WORKER", word)
    app = Flask(__name__)
    app.config.update(SESSION_COOKIE_SECURE=False, OCR_WORKER=None)
    _from_environment(app)
    assert app.config["SESSION_COOKIE_SECURE"] is secure and app.config["OCR_WORKER"] is worker


def test_session_cookie_is_httponly_and_samesite_lax(small_client, login):
    login(small_client)
    cookie = small_client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_upload_over_50_mb_gets_a_413_page(small_client, login, csrf_token):
    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    big = b"a" * (MAX_UPLOAD_BYTES + 1)
    response = small_client.post("/beheer/toevoegen", content_type="multipart/form-data",
                                 data={"csrf_token": token, "bestanden": (BytesIO(big), "groot.txt")})
    assert response.status_code == 413
    assert "Bestand te groot" in response.get_data(as_text=True)
    assert small_client.application.config["MAX_CONTENT_LENGTH"] == 50 * 2**20


def test_index_not_built_yet_is_explained(tmp_path, make_app):
    client = make_app(DataDir(tmp_path / "leeg")).test_client()
    assert "nog leeg" in client.get("/").get_data(as_text=True)
    assert "nog leeg" in client.get("/vergelijk").get_data(as_text=True)
    assert client.get("/api/search?q=gezin").json["notes"] == ["de index is nog leeg: voeg eerst documenten toe"]
    assert client.get("/api/matrix").status_code == 503
