"""The Kennisbank web front end: a Flask app factory with one blueprint per area."""
from __future__ import annotations

import logging
import os
import secrets
import threading
from typing import Any

from flask import Flask, g, jsonify, make_response, render_template, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from kennisbank import index, taxonomie
from kennisbank.config import DataDir, resolve, yes_no
from kennisbank.search.engine import Engine

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 2**20
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; test_config overrides the instance config and the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.config.from_mapping(
        DATA_DIR=None, SECRET_KEY=None, PRODUCTION=False, ADMIN_USER="", ADMIN_PASSWORD_HASH="",
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False, PERMANENT_SESSION_LIFETIME=8 * 3600, WTF_CSRF_TIME_LIMIT=None,
        LOGIN_MAX_FAILURES=5, LOGIN_WINDOW_SECONDS=15 * 60, TRUSTED_PROXIES=0,
        OCR_WORKER=False,  # run OCR jobs of uploaded scans in a background thread (`kennisbank serve` sets it)
    )
    app.config.from_pyfile("config.py", silent=True)
    _from_environment(app)
    if test_config:
        app.config.from_mapping(test_config)
    data = resolve(app.config["DATA_DIR"])
    app.config["SECRET_KEY"] = _secret_key(app, data)
    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from kennisbank.web.common import EXTENSION, AppState
    from kennisbank.web.limits import LoginLimiter

    limiter = LoginLimiter(app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_WINDOW_SECONDS"])
    app.extensions[EXTENSION] = AppState(data, Engine(data), threading.RLock(), limiter)
    csrf.init_app(app)
    _register(app)
    from kennisbank.web.taken import start_worker

    start_worker(app)
    return app


def _from_environment(app: Flask) -> None:
    """Settings from KENNISBANK_* environment variables (beaten only by test_config)."""
    env = os.environ
    if env.get("KENNISBANK_DATA"):
        app.config["DATA_DIR"] = env["KENNISBANK_DATA"]
    if env.get("KENNISBANK_SECRET_KEY"):
        app.config["SECRET_KEY"] = env["KENNISBANK_SECRET_KEY"]
    if env.get("KENNISBANK_ENV", "").lower() == "production":
        app.config["PRODUCTION"] = True
    for key in ("ADMIN_USER", "ADMIN_PASSWORD_HASH"):
        if env.get(f"KENNISBANK_{key}"):
            app.config[key] = env[f"KENNISBANK_{key}"]
    if yes_no(env.get("KENNISBANK_SECURE_COOKIES")) is True:
        app.config["SESSION_COOKIE_SECURE"] = True
    if (ocr_worker := yes_no(env.get("KENNISBANK_OCR_WORKER"))) is not None:
        app.config["OCR_WORKER"] = ocr_worker
    if env.get("KENNISBANK_TRUSTED_PROXIES", "").isdigit():
        app.config["TRUSTED_PROXIES"] = int(env["KENNISBANK_TRUSTED_PROXIES"])


def _secret_key(app: Flask, data: DataDir) -> str:
    """The configured key; in production its absence is fatal, locally one is made and kept in the data dir."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    if app.config["PRODUCTION"]:
        raise RuntimeError("KENNISBANK_SECRET_KEY ontbreekt: zet een lange willekeurige sleutel in de omgeving "
                           "(bijv. python -c 'import secrets; print(secrets.token_hex(32))')")
    path = data.secret_key
    data.root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise RuntimeError(f"{path} is leeg of te kort; verwijder het bestand zodat er een nieuw wordt gemaakt")
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    log.info("nieuwe geheime sleutel aangemaakt in %s", path)
    return key


def _register(app: Flask) -> None:
    """Blueprints, error pages, security headers and template helpers."""
    from kennisbank.web import (
        api_docs,
        auth,
        beheer,
        documenten,
        gebruikers,
        gezond,
        logboek,
        nieuw,
        pagina,
        taken,
        vergelijkbaar,
        vergelijken,
        volgen,
        werkend,
        zoeken,
    )
    from kennisbank.web.common import template_helpers

    for module in (zoeken, documenten, pagina, vergelijkbaar, nieuw, volgen, vergelijken, werkend, beheer, taken,
                   api_docs, gezond, gebruikers, logboek):
        app.register_blueprint(module.bp)
    app.context_processor(template_helpers)
    app.context_processor(auth.template_names)
    app.before_request(auth.check_session)  # first: the hooks after it and the views see who is logged in
    app.teardown_request(auth.end_request)
    app.before_request(_use_taxonomie)
    app.teardown_request(_drop_taxonomie)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(index.IndexDamagedError, _unavailable)
    app.register_error_handler(index.BusyError, _unavailable)
    app.register_error_handler(taxonomie.TaxonomieError, _unavailable)
    app.cli.add_command(auth.hash_command)


def _use_taxonomie() -> None:
    """During a request, the taxonomy in effect is that of the app's data dir (see taxonomie.current)."""
    from kennisbank.web.common import data_dir

    g.taxonomie_token = taxonomie.use(data_dir().taxonomie)


def _drop_taxonomie(exc: BaseException | None) -> None:
    """The request's taxonomy no longer in effect."""
    token = g.pop("taxonomie_token", None)
    if token is not None:
        taxonomie.restore(token)


def _security_headers(response):
    """Headers every response carries; a view may set a stricter Content-Security-Policy of its own."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if session.get("beheerder") or request.path.startswith("/beheer"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error(status: int, title: str, reason: str, extra_headers: dict | None = None):
    """One error answer: JSON under /api/, an HTML page elsewhere."""
    if _wants_json():
        response = jsonify({"error": reason, "status": status})
        response.status_code = status
    else:
        response = make_response(render_template("fout.html", status=status, title=title, reason=reason), status)
    for key, value in (extra_headers or {}).items():
        response.headers[key] = value
    return response


TITLES = {400: "Ongeldig verzoek", 401: "Inloggen vereist", 403: "Geen toegang", 404: "Niet gevonden",
          405: "Methode niet toegestaan", 413: "Bestand te groot", 429: "Te veel pogingen",
          500: "Interne fout", 503: "Tijdelijk niet beschikbaar"}
REASONS = {404: "Deze pagina of dit document bestaat niet.", 405: "Deze methode is hier niet toegestaan.",
           413: f"Het verzoek is te groot: uploads mogen samen hoogstens {MAX_UPLOAD_BYTES >> 20} MB zijn.",
           500: "Er ging iets mis aan onze kant."}


def _http_error(exc: HTTPException):
    status = exc.code or 500
    reason = REASONS.get(status) if status in (404, 405, 413, 500) and _is_default(exc) else exc.description
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("retry-after", "allow")}
    return _error(status, TITLES.get(status, exc.name), reason or exc.name, headers)


def _is_default(exc: HTTPException) -> bool:
    """True when the description is werkzeug's English default text."""
    return exc.description == type(exc).description


def _csrf_error(exc: CSRFError):
    return _error(400, "Formulier verlopen", f"Het formulier is verlopen of ongeldig ({exc.description}); "
                  "laad de pagina opnieuw en probeer het nog eens.")


def _unavailable(exc: Exception):
    log.warning("%s: %s", type(exc).__name__, exc)
    return _error(503, TITLES[503], str(exc), {"Retry-After": "30"})
