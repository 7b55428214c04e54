"""Bad input of every kind: broken, huge and hostile files, hostile names and text, and queries of any shape.

Files are refused with one clear line and leave nothing behind; names and text are stored and shown as
text; no query, through the engine, the CLI or /api/search, raises, errs on the server or takes long.
"""
from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import extract
from kennisbank import documents
from kennisbank.config import DataDir
from kennisbank.search import highlight
from kennisbank.search.engine import Engine
from kennisbank.search.query import MAX_QUERY_CHARS
from kennisbank.store import Store

ROOT = Path(__file__).resolve().parents[1]
KAPOT = ROOT.parent / "shared" / "corpus" / "kapot"
_SCRIPT = Path(sys.executable).with_name("kennisbank")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kennisbank.cli"]
SEARCH_SECONDS = 2.0  # the bound on one search's CPU time, however odd the query
WALL_SECONDS = 15.0  # and on its wall time, generous: other processes share the machine's cores
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])

# What each broken file of the shared corpus must be refused for (None: it must be accepted).
KAPOT_REASONS = {
    "afgebroken.pdf": "beschadigde of afgebroken PDF",
    "binair.txt": "binaire inhoud",
    "geen-pdf.pdf": "geen geldige PDF",
    "latin1.txt": None,
    "leeg.pdf": "leeg bestand",
    "scan-zonder-tekst.pdf": "OCR",
    "versleuteld.pdf": "versleutelde PDF",
}


def cli(data: DataDir, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `kennisbank --data D ...`."""
    return subprocess.run([*CLI, "--data", str(data.root), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def files_under(folder: Path) -> set[Path]:
    """Every file below a folder."""
    return {p for p in folder.rglob("*") if p.is_file()}


# --- broken, huge and hostile files ---------------------------------------------------------------------------

@pytest.mark.skipif(not KAPOT.is_dir(), reason="../shared/corpus/kapot ontbreekt")
def test_every_broken_file_is_refused_with_its_reason_and_leaves_nothing(tmp_path):
    assert sorted(p.name for p in KAPOT.iterdir()) == sorted(KAPOT_REASONS)
    data = DataDir(tmp_path / "data")
    run = cli(data, "add", *sorted(map(str, KAPOT.iterdir())), "--ocr-timeout", "60")
    assert "Traceback" not in run.stderr and run.returncode == 1, run.stderr
    lines = {line.split(": ")[1]: line for line in run.stderr.splitlines() if line.startswith("geweigerd: ")}
    for name, reason in KAPOT_REASONS.items():
        if reason is None:
            assert f"toegevoegd: {name}" in run.stdout, run.stdout
        else:
            assert reason in lines[name] and len(lines[name]) < 300, lines.get(name)
    records = Store(data).all()
    assert [r.filename for r in records] == ["latin1.txt"]
    assert len(list(data.originals.iterdir())) == 1  # the refused files' originals are gone again
    assert documents.check(data) == []
    word = next(w for w in re.findall(r"\w+", (KAPOT / "latin1.txt").read_bytes().decode("latin-1"))
                if not w.isascii())
    assert Engine(data).search(word)["total"] == 1, word  # Latin-1 read as the letters it means


def _pdf_with_pages(count: int) -> bytes:
    """A PDF of `count` pages that each carry one tiny word (one shared content stream)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 4 Tf 10 10 Td (woord) Tj ET")
    content = writer._add_object(content)
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for _ in range(count):
        page = writer.add_blank_page(200, 200)
        page[NameObject("/Contents")] = content
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_over_the_page_limit_is_refused_at_once(tmp_path):
    pdf = _pdf_with_pages(extract.MAX_PAGES + 1)
    started = time.perf_counter()
    outcome = documents.add_bytes(DataDir(tmp_path / "data"), pdf, "dik.pdf")
    assert outcome.status == documents.AddStatus.REFUSED
    assert outcome.message == f"te veel pagina's ({extract.MAX_PAGES + 1}, maximaal {extract.MAX_PAGES})"
    assert time.perf_counter() - started < 10  # counted, not read
    assert not Store(DataDir(tmp_path / "data")).all()


def _docx(body: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A real DOCX (python-docx) with its document.xml replaced and extra members added, all deflated."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Een gewone alinea over de proeftuin.")
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in src.infolist():
            data = body if body is not None and item.filename == "word/document.xml" else src.read(item)
            dest.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dest.writestr(name, data)
    return out.getvalue()


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member` announced as `size` bytes unpacked in both its local and its central header."""
    raw = bytearray(data)
    name = member.encode()
    local = raw.find(b"PK\x03\x04")
    while local >= 0:
        if raw[local + 30:local + 30 + len(name)] == name:
            raw[local + 22:local + 26] = size.to_bytes(4, "little")
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central >= 0:
        if raw[central + 46:central + 46 + len(name)] == name:
            raw[central + 24:central + 28] = size.to_bytes(4, "little")
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


BOMBS = {
    "veel nullen erbij": lambda: _docx(extra={"word/media/nul.bin": b"\0" * (40 * 2**20)}),
    "reusachtige tekst": lambda: _docx(body=b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                                       b'openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                                       + b"<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>" * 2_000_000
                                       + b"</w:body></w:document>"),
    "liegende koppen": lambda: _lie_about_sizes(_docx(body=b"<x>" + b"a" * (30 * 2**20) + b"</x>"),
                                                "word/document.xml", 1000),
    "entiteitenbom": lambda: _docx(body=b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                                   + b"".join(b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">'
                                              % ((c,) + (c - 1,) * 10) for c in range(98, 108))
                                   + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                   b'2006/main"><w:body><w:p><w:r><w:t>&k;</w:t></w:r></w:p></w:body>'
                                   b"</w:document>"),
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_docx_bombs_are_refused_quickly(tmp_path, bomb):
    content = BOMBS[bomb]()
    assert len(content) < 2 * 2**20  # small on disk, huge (or endless) when unpacked
    started = time.perf_counter()
    outcome = documents.add_bytes(DataDir(tmp_path / "data"), content, "bom.docx")
    assert time.perf_counter() - started < 10
    assert outcome.status == documents.AddStatus.REFUSED, outcome
    assert any(w in outcome.message for w in ("zip-bom", "beschadigd Word-bestand", "geen bruikbare tekst")), \
        outcome.message


def test_hostile_file_names_are_stored_as_labels_only(tmp_path):
    data = DataDir(tmp_path / "data")
    before = files_under(tmp_path)
    text = ("Werkplan\n\nDe proeftuin werkt met gezinnen en het lokale team aan veiligheid, met vaste afspraken "
            "over de klantreis en het leren per kwartaal in de stuurgroep van de regio.\n")
    names = ["../../../../tmp/kwaad.txt", "..\\..\\windows\\kwaad.txt", "a\x1b]0;titel\x07b\u202e.txt",
             "/etc/passwd", "\x00.md"]
    for i, name in enumerate(names):
        outcome = documents.add_bytes(data, f"{text}\nversie {i}\n".encode(), name, {"id": f"naam-{i}"})
        assert outcome.ok, outcome.message
    stored = {r.id: r.filename for r in Store(data).all()}
    assert stored == {"naam-0": "kwaad.txt", "naam-1": "kwaad.txt", "naam-2": "a]0;titelb.txt",
                      "naam-3": "passwd", "naam-4": ".md"}
    new = files_under(tmp_path) - before
    assert all(p.is_relative_to(data.root) for p in new), new  # nothing written outside the data dir
    assert not Path("/tmp/kwaad.txt").exists()
    listing = cli(data, "documents")
    assert "\x1b" not in listing.stdout and "\x07" not in listing.stdout


def test_control_characters_in_text_and_titles_never_reach_a_terminal(tmp_path):
    data = DataDir(tmp_path / "data")
    hostile = ("\x1b]0;gekaapt\x07Werkplan \x1b[31mrood\x1b[0m Zeeland\u202e\n\nDe proeftuin werkt met gezinnen "
               "en het lokale team\x1b[2J aan veiligheid en de klantreis van ouders en jongeren in de regio, met "
               "afspraken over monitoring en leren per kwartaal.\n")
    name = tmp_path / "plan\x1b[31m.txt"
    name.write_text(hostile, encoding="utf-8")
    added = cli(data, "add", str(name))
    assert added.returncode == 0, added.stderr
    for args in (["documents"], ["search", "gezinnen"], ["document", Store(data).all()[0].id]):
        out = cli(data, *args).stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")  # the CLI's own marks
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", out), (args, out)
    assert "\x1b" not in added.stdout


# --- text that looks like markup or templates -------------------------------------------------------------------

HOSTILE_TEXT = """Werkplan {{ 'kb' ~ 'injectie' }} met <script>alert('x')</script>

Aanpak van de klantreis

De proeftuin beschrijft hoe gezinnen door de keten gaan, {{ config.SECRET_KEY }} en {% for x in range(3) %}
herhaald{% endfor %} staan hier als gewone tekst. <img src=x onerror=alert(1)> en <b>vet</b> ook. Het lokale
team en de gecertificeerde instelling bespreken samen met het gezin welke stappen nodig zijn, en leren per
kwartaal van de ervaringen van ouders en jongeren in de regio Zeeland, met een verslag voor de stuurgroep.
"""


def test_markup_and_template_syntax_in_a_document_stay_text(tmp_path, make_app, login):
    data = DataDir(tmp_path / "data")
    outcome = documents.add_bytes(data, HOSTILE_TEXT.encode(), "plan.txt",
                                  {"id": "plan-sjabloon", "title": "Plan {{ 'kb' ~ 'injectie' }} <b>vet</b>"})
    assert outcome.ok, outcome.message
    app = make_app(data)
    client = login(app.test_client())
    for url in ("/document/plan-sjabloon", "/?q=klantreis", "/beheer", "/?q=herhaald"):
        page = client.get(url)
        body = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>vet</b>" not in body, url
        assert "kbinjectie" not in body and app.config["SECRET_KEY"] not in body, url  # nothing evaluated
        assert "{{ 'kb' ~ 'injectie' }}" in html.unescape(body), url
    page = client.get("/document/plan-sjabloon").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "{% for x in range(3) %}" in html.unescape(page)
    hits = client.get("/api/search?q=herhaald").get_json()["hits"]
    assert "{{ config.SECRET_KEY }}" in hits[0]["text"]  # JSON holds the text as it is, the snippet escapes it
    assert "<" not in hits[0]["snippet"].replace("<mark>", "").replace("</mark>", "")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.data())
def test_snippets_escape_everything_but_their_marks(text, data):
    bounds = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=8))))
    matches = [highlight.Match(a, b, text[a:b], text[a:b].lower()) for a, b in zip(bounds[::2], bounds[1::2])
               if a < b]
    out = highlight.snippet(text, matches)
    bare = out.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare  # element content: only < > & matter
    assert not re.search(r"&(?!(?:lt|gt|amp|quot|#x27);)", bare)
    assert out.count("<mark>") == out.count("</mark>")


# --- queries of every shape -----------------------------------------------------------------------------------

WORDS = ["gezin", "jeugdbescherming", "Zeeland", "veiligheid", "klantreis", "de", "het", "OTS", "GI", "één",
         "coördinatie", "ketenpartners", "x", "123", "2023"]
OPERATORS = ["AND", "OR", "NOT", "-", "&&", "||", "(", ")", '"', "'", "*", "?", "~", "^2", "+", ":", "\\", "/"]
FIELDS = ["regio:", "type:", "jaar:", "foo:", "document:", "werkend:", "thema:", "principe:", "organisatie:",
          "title:", "text:", "pid:", "regio:Zeeland", "jaar:2023", "type:factsheet"]
TOKENS = st.one_of(st.sampled_from(WORDS + OPERATORS + FIELDS), st.text(min_size=1, max_size=12))
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(TOKENS, max_size=25).map(" ".join),
    st.lists(TOKENS, max_size=25).map("".join),
    st.tuples(st.sampled_from(WORDS + OPERATORS + FIELDS), st.integers(1, 10_000)).map(
        lambda t: (t[0] + " ") * (10_000 // (len(t[0]) + 1)) if t[1] > 5000 else t[0] * (t[1] // len(t[0]) + 1)),
)


@pytest.fixture(scope="module")
def engine(shared_data) -> Engine:
    """One engine over the shared documents, warmed up."""
    e = Engine(shared_data)
    e.search("gezin")
    return e


class Bounded:
    """A block that must finish within SEARCH_SECONDS of this thread's CPU time (and WALL_SECONDS of wall time)."""

    def __init__(self, label: str):
        self.label = label

    def __enter__(self) -> None:
        self.cpu, self.wall = time.thread_time(), time.perf_counter()

    def __exit__(self, *exc) -> None:
        cpu, wall = time.thread_time() - self.cpu, time.perf_counter() - self.wall
        if exc[0] is None:
            assert cpu < SEARCH_SECONDS and wall < WALL_SECONDS, f"{cpu:.2f} s CPU, {wall:.2f} s: {self.label!r}"


def _timed_search(engine: Engine, text: str, **kwargs) -> dict:
    with Bounded(text[:80]):
        return engine.search(text, **kwargs)


@FAST
@given(QUERIES, st.integers(1, 100), st.integers(0, 10_000))
def test_engine_answers_every_query_quickly(engine, text, limit, offset):
    answer = _timed_search(engine, text, limit=limit, offset=offset)
    assert set(answer) >= {"query", "total", "hits", "suggestion", "facets", "notes"}
    assert len(answer["hits"]) <= limit and answer["total"] >= 0
    json.dumps(answer)  # plain data all the way down
    if len(text) > MAX_QUERY_CHARS:
        assert any("ingekort" in n for n in answer["notes"]), answer["notes"]


@pytest.mark.parametrize("text, note", [
    ("x" * 10_000, "ingekort tot 500 tekens"),
    ('"verklarende analyse', "aanhalingstekens"),
    ("jeugd* gezin?", "jokertekens"),
    ("foo:bar gezin", "foo"),
    ("AND OR NOT", "geen woorden"),
    ("de het een", "stopwoorden"),
    ("regio:Atlantis gezin", "onbekende regio"),
    ("gezin " * 40, "herhaalde woorden"),
])
def test_a_changed_query_says_what_was_changed(engine, text, note):
    answer = _timed_search(engine, text)
    assert any(note in n for n in answer["notes"]), answer["notes"]


@pytest.mark.parametrize("query", ["x" * 10_000, '"', "regio: type: jaar: foo:", "* ? ~ ^", "NOT -", "éé\u202e\u0301",
                                   "jeugd* OR (gezin AND"])
def test_cli_search_answers_odd_queries(shared_data, query):
    run = subprocess.run([*CLI, "--data", str(shared_data.root), "search", "--json", "--", query],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    answer = json.loads(run.stdout)
    assert answer["total"] >= 0
    if len(query) > MAX_QUERY_CHARS:
        assert any("ingekort" in n for n in answer["notes"])


PARAM = st.one_of(st.text(max_size=30), st.sampled_from(["", "0", "-1", "1", "100", "101", "1e3", " 5 ", "٣",
                                                           "99999999999999999999", "nan", "10000", "10001"]))


@FAST
@given(QUERIES, PARAM, PARAM, st.dictionaries(st.sampled_from(["regio", "thema", "type", "jaar", "werkend",
                                                               "principe", "organisatie", "explain", "foo"]),
                                              st.text(max_size=40), max_size=4))
def test_api_search_never_errs_on_the_server(client, text, limit, offset, extra):
    with Bounded(text[:80]):
        answer = client.get("/api/search", query_string={"q": text, "limit": limit, "offset": offset, **extra})
    assert answer.status_code in (200, 400), (answer.status_code, answer.get_data(as_text=True)[:300])
    body = answer.get_json()
    if answer.status_code == 400:
        assert body["error"] and body["status"] == 400
    else:
        assert body["total"] >= 0


# --- HTTP: unknown ids, bad parameters, oversize bodies, and the OpenAPI description -----------------------

ODD_IDS = ["bestaat-niet", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "x" * 3000, "%00", "%C3%A9%E2%80%AE", "a.json",
           "FACTSHEET-PROEFTUINEN", "-", "%20"]


@pytest.mark.parametrize("doc_id", ODD_IDS)
def test_unknown_document_ids_are_404(client, doc_id):
    for url in (f"/document/{doc_id}", f"/document/{doc_id}/download", f"/api/documents/{doc_id}",
                f"/document/{doc_id}/origineel", f"/document/{doc_id}/vergelijkbaar",
                f"/document/{doc_id}/pagina/1", f"/document/{doc_id}/pagina/1.png"):
        answer = client.get(url)
        assert answer.status_code == 404, (url, answer.status_code)
        if url.startswith("/api/"):
            assert answer.get_json()["status"] == 404


@pytest.mark.parametrize("url", ["/api/search?limit=abc", "/api/search?limit=0", "/api/search?offset=-1",
                                 "/api/search?limit=101", "/api/search?offset=99999999999", "/?pagina=0",
                                 "/?pagina=x", "/api/compare", "/werkende-elementen?pagina=-3"])
def test_bad_parameters_are_400_with_a_reason(client, url):
    answer = client.get(url)
    assert answer.status_code == 400, (url, answer.status_code)
    text = answer.get_json()["error"] if url.startswith("/api/") else answer.get_data(as_text=True)
    assert re.search(r"moet|kies|geef|ongeldig", text, re.I), text[:300]


def test_oversize_bodies_are_413_before_anything_is_read(small_data, make_app, login, csrf_token):
    app = make_app(small_data, MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    big = b"a" * (65 * 1024)
    anonymous = client.post("/beheer/toevoegen", data={"bestanden": (io.BytesIO(big), "groot.txt")},
                            content_type="multipart/form-data")
    assert anonymous.status_code in (400, 401, 413)
    client = login(client)
    answer = client.post("/beheer/toevoegen", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/beheer/toevoegen"), "bestanden": (io.BytesIO(big), "groot.txt")})
    assert answer.status_code == 413 and "te groot" in answer.get_data(as_text=True)
    assert [r.id for r in Store(small_data).all()] == ["werkplan-zeeland"]
    for url in ("/api/search", "/beheer/inloggen"):
        assert client.post(url, data=big, content_type="application/octet-stream").status_code in (400, 405, 413)


def test_openapi_operations_never_err_on_the_server(app):
    """schemathesis generates requests from /api/openapi.json for every operation; none may get a 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:
            with Bounded(case.path):
                case.call_and_validate(checks=[not_a_server_error])

        check()
