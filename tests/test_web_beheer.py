"""Beheer: login rules, CSRF, rate limit, adding (direct and after checking), replacing and removing documents;
the taxonomy pages."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest

from kennisbank.store import Store

KAPOT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "kapot"
NEW_DOC = ("# Notitie netwerkberaad Flevoland\n\n" + "In het netwerkberaad bespreken ouders, jongeren en hun netwerk "
           "samen met de professionals welke zorgen er zijn en wie wat doet. " * 6).encode("utf-8")


def _upload(client, token: str, files: list[tuple[bytes, str]], **fields):
    data = {"csrf_token": token, **fields, "bestanden": [(BytesIO(content), name) for content, name in files]}
    return client.post("/beheer/toevoegen", data=data, content_type="multipart/form-data")


def _statuses(page: str) -> list[str]:
    return re.findall(r'<span class="status-(?:ok|fout)">([^<]+)</span>', page)


@pytest.mark.parametrize("url", ["/beheer", "/beheer/toevoegen", "/beheer/werkplan-zeeland/vervangen",
                                 "/beheer/werkplan-zeeland/verwijderen", "/beheer/taxonomie",
                                 "/beheer/taxonomie/regio/zeeland/wijzigen",
                                 "/beheer/taxonomie/regio/zeeland/verwijderen"])
def test_anonymous_get_redirects_to_login(small_client, url):
    response = small_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/beheer/inloggen?next=")
    assert "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("url", ["/beheer/toevoegen", "/beheer/toevoegen/bevestigen",
                                 "/beheer/werkplan-zeeland/vervangen", "/beheer/werkplan-zeeland/verwijderen"])
def test_anonymous_post_with_valid_csrf_is_401(small_client, small_data, csrf_token, url):
    response = small_client.post(url, data={"csrf_token": csrf_token(small_client)})
    assert response.status_code == 401 and "Log eerst in" in response.get_data(as_text=True)
    assert Store(small_data).get("werkplan-zeeland") is not None


def test_post_without_csrf_token_is_400_even_when_logged_in(small_client, small_data, login):
    login(small_client)
    response = small_client.post("/beheer/werkplan-zeeland/verwijderen")
    assert response.status_code == 400 and "Formulier verlopen" in response.get_data(as_text=True)
    forged = small_client.post("/beheer/werkplan-zeeland/verwijderen", data={"csrf_token": "vals"})
    assert forged.status_code == 400
    assert Store(small_data).get("werkplan-zeeland") is not None


def test_csrf_can_be_switched_off_for_a_test_app(make_app, small_data, admin):
    client = make_app(small_data, WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/beheer/inloggen", data={"gebruiker": admin[0], "wachtwoord": admin[1]})
    assert response.status_code == 302


def test_login_wrong_password_then_right_one_goes_to_next(small_client, csrf_token, admin):
    wrong = small_client.post("/beheer/inloggen", data={"csrf_token": csrf_token(small_client),
                                                        "gebruiker": admin[0], "wachtwoord": "fout-wachtwoord"})
    assert wrong.status_code == 401 and "verkeerd wachtwoord" in wrong.get_data(as_text=True)
    token = csrf_token(small_client, "/beheer/inloggen?next=/beheer/toevoegen")
    right = small_client.post("/beheer/inloggen", data={"csrf_token": token, "gebruiker": admin[0],
                                                        "wachtwoord": admin[1], "next": "/beheer/toevoegen"})
    assert right.status_code == 302 and right.headers["Location"] == "/beheer/toevoegen"
    assert small_client.get("/beheer").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(small_client, csrf_token, admin, target):
    form = {"csrf_token": csrf_token(small_client), "gebruiker": admin[0], "wachtwoord": admin[1], "next": target}
    response = small_client.post("/beheer/inloggen", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/beheer"


def test_login_is_blocked_after_five_failures_per_address(small_client, small_app, csrf_token, admin):
    for _ in range(5):
        small_client.post("/beheer/inloggen", data={"csrf_token": csrf_token(small_client),
                                                    "gebruiker": admin[0], "wachtwoord": "geraden"})
    blocked = small_client.post("/beheer/inloggen", data={"csrf_token": csrf_token(small_client),
                                                          "gebruiker": admin[0], "wachtwoord": admin[1]})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Te veel mislukte pogingen" in blocked.get_data(as_text=True)
    other = small_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    allowed = other.post("/beheer/inloggen", data={"csrf_token": csrf_token(other), "gebruiker": admin[0],
                                                   "wachtwoord": admin[1]})
    assert allowed.status_code == 302


def test_without_an_account_nobody_can_log_in(make_app, small_data, csrf_token, admin):
    client = make_app(small_data, ADMIN_USER="", ADMIN_PASSWORD_HASH="").test_client()
    assert "Beheer is nog niet ingesteld" in client.get("/beheer/inloggen").get_data(as_text=True)
    response = client.post("/beheer/inloggen", data={"csrf_token": csrf_token(client), "gebruiker": "",
                                                     "wachtwoord": ""})
    assert response.status_code == 401


def test_logout_ends_the_session(small_client, login, csrf_token):
    login(small_client)
    token = csrf_token(small_client, "/beheer")
    assert small_client.post("/beheer/uitloggen", data={"csrf_token": token}).status_code == 302
    assert small_client.get("/beheer").status_code == 302


def test_overview_lists_documents_with_actions(small_client, login):
    page = login(small_client).get("/beheer").get_data(as_text=True)
    assert 'id="doc-werkplan-zeeland"' in page
    assert 'href="/beheer/werkplan-zeeland/vervangen"' in page and 'href="/beheer/werkplan-zeeland/verwijderen"' in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert 'id="controle"' not in page  # store and index agree


def test_add_one_file_then_the_same_again_then_a_broken_one(small_client, small_data, login, csrf_token):
    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    added = _upload(small_client, token, [(NEW_DOC, "netwerkberaad.md")], type="overig", date="2024-05")
    page = added.get_data(as_text=True)
    assert added.status_code == 200 and _statuses(page) == ["toegevoegd"]
    record = Store(small_data).get("netwerkberaad")
    assert record is not None and record.type == "overig" and record.date == "2024-05"
    assert small_client.get("/api/search?q=netwerkberaad").json["total"] > 0  # the shared engine sees it at once
    again = _upload(small_client, token, [(NEW_DOC, "netwerkberaad.md")])
    assert _statuses(again.get_data(as_text=True)) == ["al aanwezig"]
    broken = _upload(small_client, token, [((KAPOT / "geen-pdf.pdf").read_bytes(), "geen-pdf.pdf")])
    assert broken.status_code == 422 and _statuses(broken.get_data(as_text=True)) == ["geweigerd"]


def test_add_several_files_reports_each(small_client, login, csrf_token):
    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    response = _upload(small_client, token, [(NEW_DOC, "a.md"), ((KAPOT / "leeg.pdf").read_bytes(), "leeg.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _statuses(page) == ["toegevoegd", "geweigerd"]
    assert page.count('<tr class="uitkomst') == 2


@pytest.mark.parametrize("fields, reason", [
    ({"date": "mei 2024"}, "JJJJ-MM-DD"), ({"type": "roman"}, "onbekend documenttype"),
    ({"region": "Atlantis"}, "onbekende regio"), ({"title": "Eén titel"}, "een titel geldt voor één bestand"),
])
def test_bad_fields_are_400_with_reason(small_client, login, csrf_token, fields, reason):
    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    response = _upload(small_client, token, [(NEW_DOC, "a.md"), (NEW_DOC + b"\n", "b.md")], **fields)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_no_file_is_400(small_client, login, csrf_token):
    login(small_client)
    response = _upload(small_client, csrf_token(small_client, "/beheer/toevoegen"), [])
    assert response.status_code == 400 and "kies minstens één bestand" in response.get_data(as_text=True)


def test_check_first_prefills_inferred_metadata_then_adds_as_edited(small_client, small_data, login, csrf_token):
    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    preview = _upload(small_client, token, [(NEW_DOC, "netwerkberaad.md")], actie="controleren")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'value="Notitie netwerkberaad Flevoland"' in page
    assert re.search(r'<option selected>Flevoland</option>', page)
    staged = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
    assert Store(small_data).get("netwerkberaad") is None  # nothing added yet
    confirm = small_client.post("/beheer/toevoegen/bevestigen", data={
        "csrf_token": token, "token": staged, "title-0": "Netwerkberaad (bewerkt)", "type-0": "overig",
        "region-0": "Flevoland", "date-0": "2024"})
    assert confirm.status_code == 200 and _statuses(confirm.get_data(as_text=True)) == ["toegevoegd"]
    assert Store(small_data).get("netwerkberaad").title == "Netwerkberaad (bewerkt)"
    expired = small_client.post("/beheer/toevoegen/bevestigen", data={"csrf_token": token, "token": staged})
    assert expired.status_code == 400 and "verlopen" in expired.get_data(as_text=True)


def test_replace_edits_metadata_and_takes_a_new_file(small_client, small_data, login, csrf_token):
    login(small_client)
    form = small_client.get("/beheer/werkplan-zeeland/vervangen").get_data(as_text=True)
    assert 'value="Werkplan &lt;script&gt;alert(1)&lt;/script&gt; Zeeland"' in form
    token = csrf_token(small_client, "/beheer/werkplan-zeeland/vervangen")
    edited = small_client.post("/beheer/werkplan-zeeland/vervangen", data={
        "csrf_token": token, "title": "Werkplan Zeeland", "type": "projectplan", "region": "Zeeland", "date": "2024"})
    assert _statuses(edited.get_data(as_text=True)) == ["vervangen"]
    assert Store(small_data).get("werkplan-zeeland").title == "Werkplan Zeeland"
    new_file = small_client.post("/beheer/werkplan-zeeland/vervangen", content_type="multipart/form-data", data={
        "csrf_token": token, "title": "Werkplan Zeeland", "bestand": (BytesIO(NEW_DOC), "nieuw.md")})
    assert _statuses(new_file.get_data(as_text=True)) == ["vervangen"]
    record = Store(small_data).get("werkplan-zeeland")
    assert record.filename == "nieuw.md" and Store(small_data).get("nieuw") is None
    assert small_client.get("/beheer/bestaat-niet/vervangen").status_code == 404


def test_remove_asks_then_removes(small_client, small_data, login, csrf_token):
    login(small_client)
    confirm = small_client.get("/beheer/werkplan-zeeland/verwijderen")
    assert confirm.status_code == 200 and 'id="knop-verwijderen"' in confirm.get_data(as_text=True)
    token = csrf_token(small_client, "/beheer/werkplan-zeeland/verwijderen")
    response = small_client.post("/beheer/werkplan-zeeland/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/beheer"
    assert "Verwijderd:" in small_client.get("/beheer").get_data(as_text=True)
    assert Store(small_data).get("werkplan-zeeland") is None
    assert small_client.get("/document/werkplan-zeeland").status_code == 404
    assert small_client.get("/api/search?q=klantreis").json["total"] == 0
    assert small_client.post("/beheer/werkplan-zeeland/verwijderen", data={"csrf_token": token}).status_code == 404


# -- the taxonomy ------------------------------------------------------------------------------------------------

def _layer(data) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.taxonomie.glob("*"))} if data.taxonomie.exists() else {}


def test_taxonomy_posts_need_login_and_csrf(small_client, small_data, csrf_token, login):
    token = csrf_token(small_client)
    for url in ("/beheer/taxonomie/toevoegen", "/beheer/taxonomie/ongedaan-maken"):
        assert small_client.post(url, data={"csrf_token": token, "soort": "regio", "naam": "X"}).status_code == 401
    login(small_client)
    assert small_client.post("/beheer/taxonomie/toevoegen", data={"soort": "regio", "naam": "X"}).status_code == 400
    assert _layer(small_data) == {}


def test_add_edit_remove_and_undo_a_region_through_the_pages(small_client, small_data, login, csrf_token):
    from kennisbank import jobs
    from kennisbank.taxonomie import load

    login(small_client)
    token = csrf_token(small_client, "/beheer/taxonomie")
    added = small_client.post("/beheer/taxonomie/toevoegen", data={
        "csrf_token": token, "soort": "regio", "naam": "Haaglanden", "aliassen": "Den Haag en omstreken\r\n\r\n",
        "gemeenten": "Zoetermeer\nDelft"}, follow_redirects=True)
    page = added.get_data(as_text=True)
    assert added.status_code == 200 and 'id="regio-haaglanden"' in page
    assert ("Toegevoegd: regio &#39;Haaglanden&#39; (aliassen: Den Haag en omstreken; gemeenten: Zoetermeer, Delft)"
            in page)
    assert 'id="wijziging-1"' in page and "beheerder (web)" in page and 'id="labels-status"' in page
    assert [j.task for j in jobs.all_jobs(small_data)] == [jobs.JobTask.RETAG]
    assert load(small_data).regio_by_name("Den Haag en omstreken").gemeenten == ("Zoetermeer", "Delft")
    form = small_client.get("/beheer/taxonomie/regio/haaglanden/wijzigen").get_data(as_text=True)
    assert 'value="Haaglanden"' in form and ">Zoetermeer\nDelft</textarea>" in form
    edited = small_client.post("/beheer/taxonomie/regio/haaglanden/wijzigen", data={
        "csrf_token": token, "naam": "Haaglanden", "aliassen": "Den Haag en omstreken", "projectnamen": "",
        "gemeenten": "Zoetermeer"})
    assert edited.status_code == 302 and load(small_data).regio_by_name("Haaglanden").gemeenten == ("Zoetermeer",)
    ask = small_client.get("/beheer/taxonomie/regio/zeeland/verwijderen").get_data(as_text=True)
    assert "wordt nog gebruikt door 1 document" in ask and "Toch verwijderen" in ask and "Behouden" in ask
    removed = small_client.post("/beheer/taxonomie/regio/haaglanden/verwijderen", data={"csrf_token": token})
    assert removed.status_code == 302 and load(small_data).regio_by_name("Haaglanden") is None
    undone = small_client.post("/beheer/taxonomie/ongedaan-maken", data={"csrf_token": token}, follow_redirects=True)
    assert "Ongedaan gemaakt: regio &#39;Haaglanden&#39; verwijderd" in undone.get_data(as_text=True)
    assert load(small_data).regio_by_name("Haaglanden").naam == "Haaglanden"


@pytest.mark.parametrize("fields, message", [
    ({"soort": "regio", "naam": "Noord-Brabant", "aliassen": "Brabant"}, "de alias &#39;Brabant&#39; is dubbelzinnig"),
    ({"soort": "regio", "naam": "Delfland", "aliassen": "Rijnmond"},
     "&#39;Rijnmond&#39; hoort al bij Rotterdam-Rijnmond"),
    ({"soort": "vraagstuk", "naam": "Wachttijden", "termen": " \n "}, "heeft geen termen"),
    ({"soort": "organisatie", "naam": "Veilig Thuis"}, "organisatie &#39;Veilig Thuis&#39; bestaat al"),
])
def test_a_refused_taxonomy_change_shows_the_reason_and_changes_nothing(small_client, small_data, login, csrf_token,
                                                                        fields, message):
    login(small_client)
    token = csrf_token(small_client, "/beheer/taxonomie")
    response = small_client.post("/beheer/taxonomie/toevoegen", data={"csrf_token": token, **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'id="formulier-fouten"' in page
    assert f'value="{fields["naam"]}"' in page  # the form keeps what was typed
    assert _layer(small_data) == {}


def test_the_preview_proposes_a_proeftuin_the_text_names_and_adds_it_in_one_click(small_client, small_data, login,
                                                                                   csrf_token):
    from kennisbank.taxonomie import load

    login(small_client)
    token = csrf_token(small_client, "/beheer/toevoegen")
    text = NEW_DOC.replace(b"Flevoland", b"proeftuin Haaglanden")
    preview = _upload(small_client, token, [(text, "plan-haaglanden.md")], actie="controleren").get_data(as_text=True)
    assert "De tekst noemt <strong>Haaglanden</strong>" in preview and 'value="0|Haaglanden"' in preview
    staged = re.search(r'name="token" value="([0-9a-f]{32})"', preview).group(1)
    again = small_client.post("/beheer/toevoegen/nieuwe-regio", data={
        "csrf_token": token, "token": staged, "nieuwe_regio": "0|Haaglanden", "title-0": "Plan Haaglanden"})
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and load(small_data).regio_by_name("Haaglanden") is not None
    assert "<option selected>Haaglanden</option>" in page and 'value="Plan Haaglanden"' in page
    assert "De tekst noemt" not in page
