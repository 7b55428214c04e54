"""Shared fixtures: a real data dir with the shared PDFs (built once per session), web apps and clients."""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from kennisbank.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
ADMIN_USER = "beheerder"
ADMIN_PASSWORD = "proef-wachtwoord-2024"
SECRET = "test-geheim-" + "x" * 40
SCAN = SHARED / "scan" / "factsheet-zeeland-gescand.pdf"


@functools.cache  # one `tesseract --list-langs` per test run, not per marked test
def ocr_missing() -> str:
    """Why OCR tests cannot run here (no tesseract or Dutch model, or no scan), or ''."""
    from indexer import ocr

    try:
        ocr.check_available()
    except ocr.OcrUnavailableError as exc:
        return str(exc)
    return "" if SCAN.exists() else f"gescande PDF ontbreekt: {SCAN}"


@pytest.hookimpl(tryfirst=True)  # before fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `tesseract` are skipped, with the reason, where OCR cannot run."""
    if item.get_closest_marker("tesseract") and (why := ocr_missing()):
        pytest.skip(why)

# Our own text (not from the shared documents): a small plan with markup that must come out as text.
SMALL_DOC = """Werkplan <script>alert(1)</script> Zeeland

Aanpak van de klantreis

De proeftuin in Zeeland beschrijft hier in eigen woorden hoe gezinnen door de keten gaan. Wij tekenen de
klantreis van een gezin uit, van de eerste melding tot de afsluiting van de hulp, en kijken waar het gezin
te vaak opnieuw zijn verhaal moet doen. <script>alert(1)</script> staat hier bewust als tekst in. De
professionals van het lokale team, de gecertificeerde instelling en de Raad voor de Kinderbescherming
bespreken samen met het gezin welke stappen nodig zijn. Wat goed werkt nemen wij mee naar de volgende fase
van het werkplan, en wat niet werkt passen wij aan. Zo leren wij per kwartaal van de ervaringen van
ouders en jongeren, en schrijven wij de lessen op in een kort verslag voor de regio.

Monitoring

Per kwartaal meten wij hoe lang gezinnen wachten, hoeveel professionals betrokken zijn en hoe ouders de
hulp ervaren. De uitkomsten bespreken wij in de stuurgroep van de regio en met de ouders zelf, zodat de
aanpak steeds beter aansluit bij wat gezinnen nodig hebben en de lessen niet verloren gaan.
"""


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess]:
    """cli(*args, data=DIR, stdin=TEXT): the real `kennisbank` console script in a subprocess."""
    script = Path(sys.executable).with_name("kennisbank")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kennisbank.cli"]

    def run(*args: str, data: DataDir | Path | None = None, stdin: str = "", timeout: float = 300):
        root = data.root if isinstance(data, DataDir) else data
        env = {k: v for k, v in os.environ.items() if k != "KENNISBANK_DATA"}
        return subprocess.run([*command, *(["--data", str(root)] if root else []), *args], input=stdin,
                              capture_output=True, text=True, env=env, timeout=timeout)
    run.command = command  # type: ignore[attr-defined]  # for tests that start it themselves (Popen)
    return run


@pytest.fixture
def live_server() -> Iterator[Callable[..., str]]:
    """live_server(server): run a waitress server (not yet running) in a thread; returns its base URL.

    At teardown its own loop thread closes it (a close from this thread races the loop's select: EBADF, whose
    traceback 3.11 formats with the ast module while another test's create_app compiles routes with it, and
    CPython 3.11's AST recursion counter is shared by all threads), the thread is joined, and its task threads stop;
    so no server thread outlives its test."""
    from waitress import wasyncore

    running: list[tuple[Any, threading.Thread]] = []

    def start(server) -> str:
        thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}"
    yield start
    for server, thread in running:
        server.trigger.pull_trigger(lambda s=server: wasyncore.close_all(s._map))
        thread.join(timeout=120)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive(), "de testserver stopte niet"


@pytest.fixture(scope="session")
def admin() -> tuple[str, str]:
    """The test beheerder's user name and password."""
    return ADMIN_USER, ADMIN_PASSWORD


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The hash of ADMIN_PASSWORD (made once: hashing is slow on purpose)."""
    return generate_password_hash(ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def shared_data_for(tmp_path_factory) -> Callable[[str], DataDir]:
    """Data dirs with the five shared PDFs ingested with their manifest, one per index engine; each built once
    (on first use), keep them read-only."""
    from indexer.metadata import read_manifest
    from kennisbank import index
    from kennisbank.documents import add_path

    built: dict[str, DataDir] = {}

    def build(engine: str = "whoosh") -> DataDir:
        if engine not in built:
            folder = SHARED / "pdf"
            if not folder.is_dir():
                pytest.skip("het gedeelde corpus (../shared/corpus/pdf) ontbreekt")
            data = DataDir(tmp_path_factory.mktemp(f"gedeeld-{engine}")).ensure()
            index.open_index(data, engine_name=engine)
            manifest = read_manifest(folder.resolve())
            for path in sorted(folder.glob("*.pdf")):
                outcome = add_path(data, path, manifest.get(path.resolve()))
                assert outcome.ok, f"{path.name}: {outcome.message}"
            built[engine] = data
        return built[engine]
    return build


@pytest.fixture(scope="session")
def shared_data(shared_data_for) -> DataDir:
    """The shared PDFs in a whoosh index (the default engine); built once, keep it read-only."""
    return shared_data_for("whoosh")


@pytest.fixture
def small_data(tmp_path) -> DataDir:
    """A fresh data dir with one small plain-text document (id 'werkplan-zeeland') for tests that write."""
    from kennisbank.documents import add_bytes

    data = DataDir(tmp_path / "data").ensure()
    outcome = add_bytes(data, SMALL_DOC.encode("utf-8"), "werkplan-zeeland.txt", {"region": "Zeeland"})
    assert outcome.ok, outcome.message
    return data


@pytest.fixture
def make_app(password_hash) -> Callable:
    """A factory: make_app(data, **config) builds the web app on a data dir (CSRF on unless switched off)."""
    from kennisbank.web import create_app

    def make(data: DataDir, **config):
        settings = {"TESTING": True, "DATA_DIR": str(data.root), "SECRET_KEY": SECRET,
                    "ADMIN_USER": ADMIN_USER, "ADMIN_PASSWORD_HASH": password_hash}
        settings.update(config)
        return create_app(settings)
    return make


@pytest.fixture
def app(make_app, shared_data):
    """The app on the shared (read-only) data dir."""
    return make_app(shared_data)


@pytest.fixture
def client(app):
    """A test client of the shared-data app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app (for `flask wachtwoord-hash`)."""
    return app.test_cli_runner()


@pytest.fixture
def small_app(make_app, small_data):
    """The app on a fresh small data dir that tests may change."""
    return make_app(small_data)


@pytest.fixture
def small_client(small_app):
    """A test client of the small-data app."""
    return small_app.test_client()


@pytest.fixture(scope="session")
def passwords() -> dict[str, str]:
    """The passwords of the accounts of two_accounts (our own, 12+ characters)."""
    return {"anouk": "paars-fietsje-negen", "bas": "groene-appel-zeventig"}


@pytest.fixture
def two_accounts(small_data, passwords) -> DataDir:
    """The small data dir with two personal accounts: anouk (redacteur) and bas (beheerder); see passwords."""
    from kennisbank.gegevens import gebruikers

    gebruikers.add(small_data, "anouk", "redacteur", passwords["anouk"])
    gebruikers.add(small_data, "bas", "beheerder", passwords["bas"])
    return small_data


@pytest.fixture
def csrf_token() -> Callable:
    """csrf_token(client, url): the CSRF token from the form on a page (the session keeps it)."""
    def token(client, url: str = "/beheer/inloggen") -> str:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
        assert found, f"geen csrf_token op {url}"
        return found.group(1)
    return token


@pytest.fixture
def login(csrf_token) -> Callable:
    """login(client[, password, user]): log in (by default as the env-var beheerder) through the real form; returns
    the client."""
    def do(client, password: str = ADMIN_PASSWORD, user: str = ADMIN_USER):
        answer = client.post("/beheer/inloggen", data={"csrf_token": csrf_token(client), "gebruiker": user,
                                                       "wachtwoord": password})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
        return client
    return do
