"""Security of the web app, checked route by route from its URL map, so a new route is checked as well.

Write routes and beheer pages refuse anonymous requests; every form carries and needs a CSRF token; GET
changes nothing; logins are rate-limited per address (forwarded headers do not reset it); only password
hashes are kept; production refuses to start without a secret key; originals are downloads with a safe
type or shown sandboxed as PDF or plain text; request paths never reach the file system unchecked; every
answer carries the security headers.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.security import check_password_hash

from kennisbank.config import DataDir
from kennisbank.store import Store

ROOT = Path(__file__).resolve().parents[1]
DOC = "werkplan-zeeland"  # the document of the small_data fixture
_SCRIPT = Path(sys.executable).with_name("kennisbank")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kennisbank.cli"]
PUBLIC_POSTS = {"/beheer/inloggen"}  # the one form an anonymous visitor may send (with its CSRF token)


def routes(app, method: str) -> list[str]:
    """Every URL of the app that answers `method`, with a real document id filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static":
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: DOC if m.group(1) == "doc_id" else "x", rule.rule))
    return sorted(urls)


def state(data: DataDir) -> dict[str, bytes]:
    """The content of every record, original, index and own taxonomy file: what a write would change."""
    return {str(p.relative_to(data.root)): p.read_bytes() for folder in ("documents", "originals", "index", "taxonomie")
            for p in sorted((data.root / folder).rglob("*")) if p.is_file()}


def test_the_route_list_is_what_these_tests_expect(small_app):
    posts = routes(small_app, "POST")
    assert "/beheer/toevoegen" in posts and f"/beheer/{DOC}/verwijderen" in posts and len(posts) >= 6
    assert not set(routes(small_app, "PUT")) | set(routes(small_app, "DELETE")) | set(routes(small_app, "PATCH"))


def test_anonymous_writes_are_refused_and_change_nothing(small_app, small_data, csrf_token):
    client = small_app.test_client()
    before = state(small_data)
    for url in routes(small_app, "POST"):
        if url in PUBLIC_POSTS:
            continue
        answer = client.post(url, data={"csrf_token": csrf_token(client), "bestanden": (io.BytesIO(b"tekst"), "x.txt"),
                                        "token": "0" * 32}, content_type="multipart/form-data")
        assert answer.status_code in (401, 403) or (url == "/beheer/uitloggen" and answer.status_code == 302), \
            (url, answer.status_code)
    assert state(small_data) == before


def test_anonymous_beheer_pages_and_job_api_are_closed(small_app):
    client = small_app.test_client()
    for url in routes(small_app, "GET"):
        if not (url.startswith("/beheer") or url.startswith("/api/jobs")) or url == "/beheer/inloggen":
            continue
        answer = client.get(url)
        if url.startswith("/api/"):
            assert answer.status_code == 401, url
        else:
            assert answer.status_code == 302 and answer.headers["Location"].startswith("/beheer/inloggen"), url


def test_every_post_needs_a_valid_csrf_token_even_when_logged_in(small_app, small_data, login, csrf_token):
    client = login(small_app.test_client())
    other = small_app.test_client()
    foreign = csrf_token(other)  # a real token, but of another session
    before = state(small_data)
    for url in routes(small_app, "POST"):
        for data in ({}, {"csrf_token": "vals"}, {"csrf_token": foreign}):
            answer = client.post(url, data=data)
            assert answer.status_code == 400 and "Formulier verlopen" in answer.get_data(as_text=True), \
                (url, data, answer.status_code)
    assert state(small_data) == before
    assert client.get("/beheer").status_code == 200  # still logged in: the logout form needed its token too


def test_every_post_form_on_every_page_carries_a_csrf_token(small_app, login):
    client = login(small_app.test_client())
    pages = [u for u in routes(small_app, "GET") if not u.startswith("/api/") and "download" not in u
             and not u.endswith(".csv")]
    checked = 0
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S | re.I):
            if re.search(r'method="post"', form, re.I):
                assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}"', form), (url, form)
                checked += 1
    assert checked >= 4


def test_get_requests_change_nothing(small_app, small_data, login):
    client = login(small_app.test_client())
    before = state(small_data)
    for url in routes(small_app, "GET"):
        assert client.get(url).status_code < 500, url
    assert state(small_data) == before


# --- login -------------------------------------------------------------------------------------------------------

def _login(client, token: str, user: str, password: str, **kwargs):
    return client.post("/beheer/inloggen", data={"csrf_token": token, "gebruiker": user, "wachtwoord": password},
                       **kwargs)


def test_login_is_limited_per_address_and_forwarded_headers_do_not_reset_it(small_app, csrf_token, admin):
    user, password = admin
    client = small_app.test_client()
    token = csrf_token(client)
    limit = small_app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit):
        assert _login(client, token, user, f"fout-{i}").status_code == 401
    for forwarded in ({}, {"X-Forwarded-For": "10.9.8.7"}, {"X-Real-IP": "10.9.8.7"}):
        blocked = _login(client, token, user, password, headers=forwarded)  # even the right password
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0, forwarded
    elsewhere = small_app.test_client()
    answer = _login(elsewhere, csrf_token(elsewhere), user, password, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.status_code == 302  # another address is not locked out


def test_only_a_salted_password_hash_is_kept(small_app, admin):
    from kennisbank.web.auth import make_hash

    user, password = admin
    stored = small_app.config["ADMIN_PASSWORD_HASH"]
    assert stored.startswith(("scrypt:", "pbkdf2:")) and password not in stored
    assert check_password_hash(stored, password)
    assert password not in {str(v) for v in small_app.config.values()}
    first, second = make_hash("een-lang-wachtwoord"), make_hash("een-lang-wachtwoord")
    assert first != second and check_password_hash(first, "een-lang-wachtwoord")  # salted


def test_the_hash_itself_is_no_password(small_app, csrf_token, admin):
    client = small_app.test_client()
    answer = _login(client, csrf_token(client), admin[0], small_app.config["ADMIN_PASSWORD_HASH"])
    assert answer.status_code == 401


def test_the_session_cookie_holds_no_password_and_is_locked_down(small_app, admin, login):
    client = login(small_app.test_client())
    cookie = client.get_cookie(small_app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    session = small_app.session_interface.get_signing_serializer(small_app).loads(cookie.value)
    assert admin[1] not in repr(session) and small_app.config["ADMIN_PASSWORD_HASH"] not in repr(session)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    run = subprocess.run([*CLI, "--data", str(tmp_path / "data"), "serve", "--host", "0.0.0.0", "--port", "0"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert run.returncode == 2 and "KENNISBANK_SECRET_KEY" in run.stderr, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    assert not DataDir(tmp_path / "data").secret_key.exists()  # no key made up in production


# --- downloads and paths --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, name, mimetype", [
    (b"<html><body><script>alert(1)</script> Werkplan voor gezinnen en het lokale team in de regio Zeeland, "
     b"met afspraken over veiligheid en de klantreis van ouders.</body></html>", "pagina.html.txt",
     "text/plain; charset=utf-8"),
    (b"# Werkplan\n\n<svg onload=alert(1)> Het lokale team werkt met gezinnen aan veiligheid en de klantreis "
     b"van ouders en jongeren in de regio.\n", "plaatje.svg.md", "text/markdown; charset=utf-8"),
])
def test_originals_download_as_attachments_of_a_safe_type(small_data, make_app, content, name, mimetype):
    from kennisbank import documents

    outcome = documents.add_bytes(small_data, content, name, {"id": "download-proef"})
    assert outcome.ok, outcome.message
    answer = make_app(small_data).test_client().get("/document/download-proef/download")
    assert answer.status_code == 200 and answer.data == content
    assert answer.headers["Content-Type"] == mimetype
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "download-proef" in disposition and name not in disposition
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"] or "default-src 'self'" in answer.headers[
        "Content-Security-Policy"]


@pytest.mark.parametrize("content, name", [
    (b"<html><body><script>alert(1)</script> Werkplan voor gezinnen en het lokale team in de regio Zeeland, "
     b"met afspraken over veiligheid en de klantreis van ouders.</body></html>", "pagina.html.txt"),
    (b"# Werkplan\n\n<svg onload=alert(1)> Het lokale team werkt met gezinnen aan veiligheid en de klantreis "
     b"van ouders en jongeren in de regio.\n", "plaatje.svg.md"),
])
def test_originals_shown_inline_are_plain_text_in_a_sandbox(small_data, make_app, content, name):
    from kennisbank import documents

    assert documents.add_bytes(small_data, content, name, {"id": "inline-proef"}).ok
    answer = make_app(small_data).test_client().get("/document/inline-proef/origineel")
    assert answer.status_code == 200 and answer.data == content
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"  # never HTML, SVG or Markdown rendered
    assert answer.headers["Content-Disposition"] == "inline; filename=inline-proef.txt"
    directives = [d.strip() for d in answer.headers["Content-Security-Policy"].split(";")]
    assert directives[0] == "sandbox" and "default-src 'none'" in directives  # no allow-scripts, nothing to load
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


TRAVERSALS = [
    "/static/../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    f"/document/..%2fdocuments%2f{DOC}.json/download", f"/document/{DOC}%00/download",
    "/document/..%2f..%2f..%2fetc%2fpasswd", "/api/documents/..%2f..%2fsecret_key", "/api/jobs/..%2f..%2fsecret_key",
    "/beheer/taken?taak=..%2f..%2fsecret_key", "/beheer/..%2fsecret_key/verwijderen",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_request_paths_never_reach_files_outside_their_folder(small_app, small_data, login, url):
    client = login(small_app.test_client())
    answer = client.get(url, follow_redirects=True)  # werkzeug merges '//' with a redirect, inside /static/
    assert answer.status_code in (400, 404), (url, answer.status_code)
    assert all(urlsplit(r.headers["Location"]).path.startswith("/static/") for r in answer.history), url
    body = answer.get_data()
    secret = small_data.secret_key.read_bytes().strip() if small_data.secret_key.exists() else b"\0\0"
    assert b"[project]" not in body and b"root:" not in body and secret not in body


def test_a_forged_staging_token_is_refused(small_app, small_data, login, csrf_token):
    client = login(small_app.test_client())
    for token in ("../../documents", "..", "0" * 31 + "/", "0" * 32):
        answer = client.post("/beheer/toevoegen/bevestigen",
                             data={"csrf_token": csrf_token(client, "/beheer/toevoegen"), "token": token})
        assert answer.status_code == 400, token
    assert [r.id for r in Store(small_data).all()] == [DOC]


def test_an_uploaded_file_name_is_only_a_label(small_app, small_data, login, csrf_token, tmp_path):
    client = login(small_app.test_client())
    text = (b"Werkplan\n\nHet lokale team werkt met gezinnen aan veiligheid en de klantreis van ouders en "
            b"jongeren in de regio, met afspraken over leren per kwartaal.\n")
    answer = client.post("/beheer/toevoegen", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/beheer/toevoegen"),
        "bestanden": (io.BytesIO(text), "../../../../tmp/kwaad\x1b[2J\u202e.txt")})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    names = {r.filename for r in Store(small_data).all()}
    assert "kwaad[2J.txt" in names
    assert not Path("/tmp/kwaad.txt").exists() and not list(tmp_path.glob("kwaad*"))
    assert "\x1b" not in client.get("/beheer").get_data(as_text=True)


# --- headers ---------------------------------------------------------------------------------------------------------

def _answers(app, client) -> list[tuple[str, object]]:
    """Every GET route, a static file, a download and the error pages, as (url, response)."""
    urls = [*routes(app, "GET"), "/static/kennisbank.css", "/bestaat-niet", "/api/bestaat-niet",
            "/api/search?limit=0", "/document/bestaat-niet"]
    found = [(url, client.get(url)) for url in urls]
    found.append(("POST /api/search", client.post("/api/search")))  # 405
    return found


def test_security_headers_on_every_answer(small_app, login):
    client = login(small_app.test_client())
    answers = _answers(small_app, client)
    statuses = {answer.status_code for _, answer in answers}
    assert {200, 400, 404, 405} <= statuses, statuses
    for url, answer in answers:
        headers = answer.headers
        csp = headers.get("Content-Security-Policy", "")
        directives = dict((d.split(" ", 1) + [""])[:2] for d in (p.strip() for p in csp.split(";")) if d)
        assert directives.get("frame-ancestors") == "'none'", url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp, url
        assert directives.get("script-src", directives.get("default-src")) in ("'self'", "'none'"), url
        assert directives.get("object-src") == "'none'" and "base-uri" in directives, url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), url
        if url.startswith("/beheer"):
            assert "no-store" in headers.get("Cache-Control", ""), url


def test_html_pages_run_no_inline_code(small_app, login):
    client = login(small_app.test_client())
    for url, answer in _answers(small_app, client):
        if not answer.content_type.startswith("text/html"):
            continue
        page = answer.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page, re.I), url  # no inline <script>
        assert not re.search(r"\son[a-z]+\s*=", page, re.I), url  # no onclick= and friends
        assert "javascript:" not in page.lower(), url
