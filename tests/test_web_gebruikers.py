"""The beheerder's pages /beheer/gebruikers and /beheer/logboek (with CSV); a redacteur gets 403 on both."""
from __future__ import annotations

import csv
import io

import pytest

from kennisbank.gegevens import gebruikers, logboek


@pytest.fixture
def as_user(make_app, two_accounts, login, passwords):
    """as_user(name): a client of the app on two_accounts, logged in as anouk (redacteur) or bas (beheerder)."""
    app = make_app(two_accounts)
    return lambda name: login(app.test_client(), passwords[name], name)


def test_beheerder_adds_changes_blocks_and_resets_accounts_on_the_page(as_user, two_accounts, csrf_token):
    bas = as_user("bas")
    token = csrf_token(bas, "/beheer/gebruikers")
    weak = bas.post("/beheer/gebruikers/toevoegen", data={"csrf_token": token, "naam": "carla", "rol": "redacteur",
                                                          "wachtwoord": "kort"})
    assert weak.status_code == 400 and "te kort" in weak.get_data(as_text=True)
    assert gebruikers.get(two_accounts, "carla") is None
    added = bas.post("/beheer/gebruikers/toevoegen", data={"csrf_token": token, "naam": "carla", "rol": "redacteur",
                                                           "wachtwoord": "rode-vlieger-boven-zee"})
    assert added.status_code == 302 and gebruikers.get(two_accounts, "carla").rol == "redacteur"
    assert bas.post("/beheer/gebruikers/carla/rol", data={"csrf_token": token, "rol": "beheerder"}).status_code == 302
    assert gebruikers.get(two_accounts, "carla").rol == "beheerder"
    assert bas.post("/beheer/gebruikers/anouk/blokkeer", data={"csrf_token": token}).status_code == 302
    assert gebruikers.get(two_accounts, "anouk").geblokkeerd
    reset = bas.post("/beheer/gebruikers/anouk/wachtwoord", data={"csrf_token": token,
                                                                   "wachtwoord": "blauwe-tram-op-zondag"})
    assert reset.status_code == 302
    assert gebruikers.get(two_accounts, "anouk").hash != "" and gebruikers.authenticate(
        two_accounts, "anouk", "blauwe-tram-op-zondag") is None  # still blocked
    assert bas.post("/beheer/gebruikers/anouk/deblokkeer", data={"csrf_token": token}).status_code == 302
    assert gebruikers.authenticate(two_accounts, "anouk", "blauwe-tram-op-zondag") is not None
    page = bas.get("/beheer/gebruikers").get_data(as_text=True)
    assert 'id="gebruiker-carla"' in page and "scrypt" not in page


def test_the_last_beheerder_is_kept_on_the_page_too(as_user, two_accounts, csrf_token):
    bas = as_user("bas")
    answer = bas.post("/beheer/gebruikers/bas/verwijder", data={"csrf_token": csrf_token(bas, "/beheer/gebruikers")})
    assert answer.status_code == 400 and "laatste beheerder" in answer.get_data(as_text=True)
    assert gebruikers.get(two_accounts, "bas") is not None


def test_redacteur_gets_403_on_the_accounts_and_logboek_pages_and_their_posts(as_user, two_accounts, csrf_token):
    anouk = as_user("anouk")
    token = csrf_token(anouk, "/beheer")
    for url in ("/beheer/gebruikers", "/beheer/logboek", "/beheer/logboek/logboek.csv"):
        assert anouk.get(url).status_code == 403, url
    for url in ("/beheer/gebruikers/toevoegen", "/beheer/gebruikers/bas/blokkeer", "/beheer/gebruikers/anouk/rol"):
        answer = anouk.post(url, data={"csrf_token": token, "naam": "x", "rol": "beheerder",
                                       "wachtwoord": "rode-vlieger-boven-zee"})
        assert answer.status_code == 403, url
    assert gebruikers.get(two_accounts, "anouk").rol == "redacteur" and gebruikers.get(two_accounts, "x") is None
    assert not gebruikers.get(two_accounts, "bas").geblokkeerd
    assert "logboek" not in anouk.get("/beheer").get_data(as_text=True).lower()


def test_logboek_page_filters_newest_first_and_exports_csv(as_user, two_accounts):
    logboek.write(two_accounts, "document verwijderd", "=HYPERLINK(\"x\")", wie="anouk")
    bas = as_user("bas")
    page = bas.get("/beheer/logboek?wie=anouk").get_data(as_text=True)
    assert "document verwijderd" in page and "gebruiker toegevoegd" not in page
    rows = list(csv.reader(io.StringIO(bas.get("/beheer/logboek/logboek.csv").get_data(as_text=True))))
    assert rows[0] == list(logboek.FIELDS)
    assert [r[2] for r in rows[1:4]] == ["inloggen", "document verwijderd", "gebruiker toegevoegd"]
    assert rows[2][3] == "'=HYPERLINK(\"x\")"  # never a formula in a spreadsheet
    answer = bas.get("/beheer/logboek/logboek.csv?sinds=gisteren")
    assert answer.status_code == 400 and answer.headers["Content-Disposition"].startswith("attachment")
    assert bas.get("/beheer/logboek?sinds=gisteren").status_code == 400
