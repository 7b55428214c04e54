"""Personal accounts on the web: a redacteur writes documents but gets 403 on the taxonomy, a beheerder may do
both, the logboek names them; a blocked, removed or re-passworded account's session ends at its next request."""
from __future__ import annotations

from io import BytesIO

import pytest

from kennisbank.gegevens import gebruikers, logboek
from kennisbank.store import Store

NOTE = ("# Notitie gezinsraad Drenthe\n\n" + "In de gezinsraad bespreken ouders en professionals samen welke hulp "
        "het gezin nodig heeft en wie daarbij welke rol heeft. " * 6).encode("utf-8")


@pytest.fixture
def app_with_accounts(make_app, two_accounts):
    """The app on the small data dir with anouk (redacteur) and bas (beheerder)."""
    return make_app(two_accounts)


@pytest.fixture
def as_user(app_with_accounts, login, passwords):
    """as_user(name): a client logged in as anouk or bas."""
    return lambda name: login(app_with_accounts.test_client(), passwords[name], name)


def test_redacteur_adds_a_document_and_is_refused_the_taxonomy_beheerder_changes_it(
        as_user, two_accounts, csrf_token):
    anouk, bas = as_user("anouk"), as_user("bas")
    added = anouk.post("/beheer/toevoegen", data={"csrf_token": csrf_token(anouk, "/beheer/toevoegen"),
                                                  "bestanden": [(BytesIO(NOTE), "gezinsraad-drenthe.md")]},
                       content_type="multipart/form-data")
    assert added.status_code == 200 and Store(two_accounts).get("gezinsraad-drenthe") is not None
    assert anouk.get("/beheer/taxonomie").status_code == 403
    refused = anouk.post("/beheer/taxonomie/toevoegen", data={"csrf_token": csrf_token(anouk, "/beheer"),
                                                              "soort": "regio", "naam": "Proeftuin Anouk"})
    assert refused.status_code == 403 and "alleen een beheerder" in refused.get_data(as_text=True)
    changed = bas.post("/beheer/taxonomie/toevoegen", data={"csrf_token": csrf_token(bas, "/beheer/taxonomie"),
                                                            "soort": "regio", "naam": "Proeftuin Bas"})
    assert changed.status_code == 302
    events = [(e.wie, e.actie, e.object, e.resultaat) for e in logboek.read(two_accounts)]
    assert ("anouk", "document toegevoegd", "gezinsraad-drenthe", "gelukt") in events
    assert ("anouk", "toegang", "POST /beheer/taxonomie/toevoegen", "geweigerd") in events
    assert ("bas", "taxonomie toegevoegd", "regio Proeftuin Bas", "gelukt") in events
    assert ("anouk", "inloggen", "anouk", "gelukt") in events and ("bas", "inloggen", "bas", "gelukt") in events
    assert all(e.adres == "127.0.0.1" for e in logboek.read(two_accounts, wie="anouk"))


def test_redacteur_is_refused_every_taxonomy_post(as_user, two_accounts, csrf_token):
    anouk = as_user("anouk")
    token = csrf_token(anouk, "/beheer")
    for url in ("/beheer/taxonomie/toevoegen", "/beheer/taxonomie/regio/zeeland/wijzigen",
                "/beheer/taxonomie/regio/zeeland/verwijderen", "/beheer/taxonomie/ongedaan-maken",
                "/beheer/toevoegen/nieuwe-regio"):
        assert anouk.post(url, data={"csrf_token": token, "naam": "x", "soort": "regio"}).status_code == 403, url
    assert not (two_accounts.taxonomie / "regios.toml").exists()


@pytest.mark.parametrize("change", [lambda d: gebruikers.block(d, "anouk"), lambda d: gebruikers.remove(d, "anouk"),
                                    lambda d: gebruikers.set_password(d, "anouk", "blauwe-tram-op-zondag")])
def test_a_changed_account_loses_its_open_session_at_the_next_request(as_user, two_accounts, csrf_token, change):
    anouk = as_user("anouk")
    assert anouk.get("/beheer").status_code == 200
    token = csrf_token(anouk, "/beheer")
    change(two_accounts)
    gone = anouk.post("/beheer/werkplan-zeeland/verwijderen", data={"csrf_token": token})
    assert gone.status_code in (400, 401)  # the session (and its CSRF token) ended
    assert Store(two_accounts).get("werkplan-zeeland") is not None
    assert anouk.get("/beheer").status_code == 302


def test_a_blocked_account_cannot_log_in_and_the_failure_is_logged(app_with_accounts, two_accounts, csrf_token,
                                                                    passwords):
    gebruikers.block(two_accounts, "anouk")
    client = app_with_accounts.test_client()
    answer = client.post("/beheer/inloggen", data={"csrf_token": csrf_token(client), "gebruiker": "anouk",
                                                   "wachtwoord": passwords["anouk"]})
    assert answer.status_code == 401
    newest = logboek.read(two_accounts)[0]
    assert (newest.actie, newest.wie, newest.resultaat, newest.reden) == ("inloggen", "anouk", "mislukt",
                                                                          "geblokkeerd")


def test_a_demoted_beheerder_loses_the_taxonomy_at_the_next_request(as_user, two_accounts):
    gebruikers.set_role(two_accounts, "anouk", "beheerder")
    anouk = as_user("anouk")
    assert anouk.get("/beheer/taxonomie").status_code == 200
    gebruikers.set_role(two_accounts, "anouk", "redacteur")
    assert anouk.get("/beheer/taxonomie").status_code == 403


def test_the_env_account_stays_a_beheerder_beside_personal_accounts(app_with_accounts, login):
    client = login(app_with_accounts.test_client())
    assert client.get("/beheer/taxonomie").status_code == 200


def test_a_redacteur_sees_the_jobs_they_started_a_beheerder_sees_every_job(as_user, two_accounts):
    from kennisbank import jobs

    started = {}
    for name in ("anouk", "bas"):
        token = logboek.door(name, "127.0.0.1")
        try:
            started[name] = jobs.submit(two_accounts, NOTE + name.encode(), f"notitie-{name}.md")
        finally:
            logboek.einde(token)
    anouk, bas = as_user("anouk"), as_user("bas")
    page = anouk.get("/beheer/taken").get_data(as_text=True)
    assert "notitie-anouk.md" in page and "notitie-bas.md" not in page
    assert anouk.get(f"/api/jobs/{started['anouk']}").json["wie"] == "anouk"
    assert anouk.get(f"/api/jobs/{started['bas']}").status_code == 404
    assert anouk.get(f"/beheer/taken?taak={started['bas']}").status_code == 404
    everything = bas.get("/beheer/taken").get_data(as_text=True)
    assert "notitie-anouk.md" in everything and "notitie-bas.md" in everything
    assert bas.get(f"/api/jobs/{started['anouk']}").status_code == 200
    assert [e.wie for e in logboek.read(two_accounts, actie="taak gestart")] == ["bas", "anouk"]


def test_a_redacteur_sees_the_proposed_proeftuin_without_the_button_to_add_it(as_user, csrf_token):
    anouk = as_user("anouk")
    text = NOTE.replace(b"Drenthe", b"proeftuin Haaglanden")
    preview = anouk.post("/beheer/toevoegen", data={"csrf_token": csrf_token(anouk, "/beheer/toevoegen"),
                                                    "actie": "controleren",
                                                    "bestanden": [(BytesIO(text), "plan-haaglanden.md")]},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "De tekst noemt <strong>Haaglanden</strong>" in preview
    assert "knop-nieuwe-regio" not in preview and "Een beheerder kan haar" in preview


def test_a_typed_user_name_reaches_the_logboek_without_terminal_escapes(app_with_accounts, two_accounts,
                                                                       csrf_token, cli):
    client = app_with_accounts.test_client()
    client.post("/beheer/inloggen", data={"csrf_token": csrf_token(client), "gebruiker": "x\x1b[2J\x1b]0;pwnd\x07",
                                          "wachtwoord": "onjuist-wachtwoord"})
    newest = logboek.read(two_accounts)[0]
    assert (newest.actie, newest.resultaat, newest.wie) == ("inloggen", "mislukt", "x[2J]0;pwnd")
    assert "\x1b" not in cli("logboek", data=two_accounts).stdout


def test_a_new_env_account_password_ends_its_sessions(make_app, small_data, login):
    from werkzeug.security import generate_password_hash

    before = make_app(small_data)
    client = login(before.test_client())
    cookie = client.get_cookie("session").value
    same = make_app(small_data).test_client()
    same.set_cookie("session", cookie)
    assert same.get("/beheer").status_code == 200  # the session holds in another process with the same settings
    after = make_app(small_data, ADMIN_PASSWORD_HASH=generate_password_hash("een-heel-ander-wachtwoord")).test_client()
    after.set_cookie("session", cookie)
    assert after.get("/beheer").status_code == 302
