"""The web front end in real headless Chromium (Selenium) against `kennisbank serve`, with axe-core checks."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from kennisbank import documents
from kennisbank.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = ROOT / ".cache" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HELD_BACK = "plan-van-aanpak-toekomsttuin-centraal-gelderland"  # left out of the server's data; the upload adds it
THEMA = "rvt-werkwijze"
REGIONS = ["Centraal Gelderland", "Rotterdam-Rijnmond", "Zuid-Holland Zuid"]
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900")

_missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(bool(_missing), reason=f"headless browser ontbreekt ({', '.join(_missing)}); "
                                                        "installeer chromium en chromium-driver "
                                                        "(scripts/system-packages.sh)")]


@pytest.fixture(scope="module")
def server(shared_data, admin, password_hash, tmp_path_factory) -> Iterator[str]:
    """`kennisbank serve` in a subprocess on a copy of the shared data (minus one document); yields its URL."""
    folder = tmp_path_factory.mktemp("browser")
    data = DataDir(folder / "data")
    shutil.copytree(shared_data.root, data.root)
    documents.remove(data, HELD_BACK)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    env.update(KENNISBANK_SECRET_KEY="browser-" + "x" * 40, KENNISBANK_ADMIN_USER=admin[0],
               KENNISBANK_ADMIN_PASSWORD_HASH=password_hash)
    log = folder / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from kennisbank.cli import main; raise SystemExit(main())",
                                 "--data", str(data.root), "serve", "--port", "0", "--threads", "4"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        yield _wait_for_url(proc, log)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait_for_url(proc: subprocess.Popen, log: Path, seconds: float = 120) -> str:
    """The URL `kennisbank serve` prints once it listens."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(r"draait op (http://\S+?)/? ", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            pytest.fail(f"kennisbank serve stopte: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    pytest.fail("kennisbank serve luisterde niet binnen 120 s")


def chrome(profile: Path, extra: tuple[str, ...] = ()) -> webdriver.Chrome:
    """A headless Chromium with a fresh profile in the given (temp) folder."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS + extra:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    d.set_page_load_timeout(60)
    d.set_script_timeout(60)
    return d


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    """One browser for this module."""
    d = chrome(tmp_path_factory.mktemp("chromium-profiel"))
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture
def browser(driver, server) -> webdriver.Chrome:
    """The module's browser, logged out (no cookies) and on the server's origin."""
    driver.get(server + "/static/kennisbank.css")
    driver.delete_all_cookies()
    return driver


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe.min.js, fetched by scripts/axe.sh when it is not there yet."""
    if not AXE.is_file():
        subprocess.run([str(ROOT / "scripts" / "axe.sh")], check=False, timeout=300)
    if not AXE.is_file():
        pytest.fail(f"{AXE} ontbreekt: voer scripts/axe.sh uit (haalt axe-core op bij de npm-registry)")
    return AXE


def click_and_wait(d: webdriver.Chrome, element) -> None:
    """Click a link or button and wait until the next page has loaded."""
    html = d.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(d, 30).until(lambda _: _stale(html) and d.execute_script("return document.readyState") == "complete",
                               message=f"de volgende pagina laadde niet; nu op {d.current_url}")


def _stale(element) -> bool:
    """Whether the element's page has gone (chromedriver says so in two ways)."""
    try:
        element.tag_name
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:  # "Node with given id does not belong to the document": the old page
        if "does not belong to the document" in str(exc):
            return True
        raise


def login(d: webdriver.Chrome, server: str, admin: tuple[str, str], path: str = "/beheer") -> None:
    """Log in through the real form (following ?next=) and end up on path."""
    d.get(server + path)
    assert "/beheer/inloggen" in d.current_url
    d.find_element(By.ID, "gebruiker").send_keys(admin[0])
    d.find_element(By.ID, "wachtwoord").send_keys(admin[1])
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login-formulier button[type=submit]"))
    assert urlsplit(d.current_url).path == path, d.current_url
    assert d.find_element(By.ID, "uitloggen").is_displayed()


def upload(d: webdriver.Chrome, server: str, path: Path, action: str = "knop-toevoegen", **fields: str) -> None:
    """Fill the toevoegen form (already logged in) with one file and optional select fields, then submit."""
    d.get(server + "/beheer/toevoegen")
    d.find_element(By.ID, "bestanden").send_keys(str(path.resolve()))
    for name, text in fields.items():
        Select(d.find_element(By.ID, name)).select_by_visible_text(text)
    click_and_wait(d, d.find_element(By.ID, action))


def outcomes(d: webdriver.Chrome) -> list[tuple[str, str, str]]:
    """(file, status, explanation) per row of the result page."""
    rows = d.find_elements(By.CSS_SELECTOR, "#resultaat tbody tr")
    return [(r.find_element(By.TAG_NAME, "th").text, r.find_element(By.CSS_SELECTOR, "td span").text,
             r.find_elements(By.TAG_NAME, "td")[-1].text) for r in rows]


def total(d: webdriver.Chrome) -> int:
    """The number in the results heading."""
    return int(d.find_element(By.ID, "resultaten-kop").text.split()[0])


def test_search_then_facet_filters_results_and_url(browser, server):
    browser.get(server + "/")
    box = browser.find_element(By.ID, "zoekformulier-q")
    box.send_keys("samenwerking")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#zoekformulier button"))
    assert parse_qs(urlsplit(browser.current_url).query)["q"] == ["samenwerking"]
    before = total(browser)
    facet = browser.find_elements(By.CSS_SELECTOR, "#facet-regio li:not(.gekozen) a")[0]
    region = facet.find_element(By.CLASS_NAME, "facet-label").text
    count = int(facet.find_element(By.CLASS_NAME, "aantal").text)
    click_and_wait(browser, facet)
    args = parse_qs(urlsplit(browser.current_url).query)
    assert args["regio"] == [region] and args["q"] == ["samenwerking"]
    assert total(browser) == count < before
    chip = browser.find_element(By.CSS_SELECTOR, "#actieve-filters .chip")
    assert region in chip.text and chip.is_displayed()
    regions = [h.find_element(By.CLASS_NAME, "regio").text for h in browser.find_elements(By.CSS_SELECTOR, ".hit")]
    assert regions and all(region in r for r in regions), regions
    assert browser.find_element(By.CSS_SELECTOR, "#facet-regio li.gekozen").text.startswith("✓ " + region)


def test_hit_opens_its_document_at_the_passage(browser, server):
    browser.get(server + "/?q=" + "regionaal veiligheidsteam")
    link = browser.find_elements(By.CSS_SELECTOR, ".hit .hit-titel a")[2]
    doc_id, anchor = re.search(r"/document/([^#]+)#(p\d+)$", link.get_attribute("href")).groups()
    click_and_wait(browser, link)
    parts = urlsplit(browser.current_url)
    assert parts.path == f"/document/{doc_id}" and parts.fragment == anchor
    passage = browser.find_element(By.ID, anchor)
    assert passage.is_displayed() and browser.execute_script("return document.querySelector(':target').id") == anchor
    top, bottom = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];",
                                         passage)
    assert 0 <= top < browser.execute_script("return window.innerHeight") and bottom > 0, (top, bottom)
    assert top > 0 or browser.execute_script("return window.scrollY") > 0  # scrolled to it, not left at the top
    assert passage.find_element(By.CLASS_NAME, "passage-tekst").text.strip()


def test_a_hit_opens_its_page_with_the_passage_marked_over_its_lines(browser, server):
    browser.get(server + "/?q=verklarende+analyse")
    hit = browser.find_elements(By.CSS_SELECTOR, ".hit")[1]
    page = int(re.search(r"pagina (\d+)", hit.find_element(By.CLASS_NAME, "pagina").text).group(1))
    doc_id = re.search(r"/document/([^#]+)#p(\d+)$", hit.find_element(By.CSS_SELECTOR, ".hit-titel a")
                       .get_attribute("href")).group(1)
    original = hit.find_element(By.CSS_SELECTOR, "a.origineel")
    assert original.text == f"Origineel, pagina {page}"
    click_and_wait(browser, original)
    url = urlsplit(browser.current_url)
    assert url.path == f"/document/{doc_id}/pagina/{page}"
    image = browser.find_element(By.CSS_SELECTOR, "#pagina-beeld img")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    pid = parse_qs(url.query)["passage"][0]
    with urlopen(f"{server}/api/passage/{pid}/markering") as answer:
        boxes = json.load(answer)["boxes"]
    rects = browser.find_elements(By.CSS_SELECTOR, "#markering rect")
    assert len(rects) == len(boxes) > 0
    frame = image.rect
    for rect, (x0, y0, x1, y1) in zip(rects, boxes):  # each drawn box stands over its line of the page image
        drawn = rect.rect
        assert abs((drawn["x"] - frame["x"]) / frame["width"] - x0) < 0.01
        assert abs((drawn["y"] - frame["y"]) / frame["height"] - y0) < 0.01
        assert abs(drawn["width"] / frame["width"] - (x1 - x0)) < 0.015 and drawn["height"] > 0
    assert browser.execute_script("return getComputedStyle(arguments[0]).fill", rects[0]) != "none"
    assert browser.find_element(By.ID, "passage-tekst").text.strip()
    keys = browser.find_element(By.TAG_NAME, "body")
    for _ in range(30):  # the page navigation is reachable with the keyboard
        keys.send_keys(Keys.TAB)
        if browser.switch_to.active_element.text == "Volgende pagina":
            break
    else:
        pytest.fail("'Volgende pagina' niet bereikbaar met Tab")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path.endswith(f"/pagina/{page + 1}"))


def test_bronvermelding_is_copied_and_shown(browser, server):
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": [
        "clipboardReadWrite", "clipboardSanitizedWrite"]})
    browser.get(server + "/?q=klantreis")
    assert "js" in browser.find_element(By.TAG_NAME, "html").get_attribute("class").split()
    details = browser.find_element(By.CSS_SELECTOR, "#hit-1 details.bron")
    reference = details.find_element(By.CLASS_NAME, "bron-tekst")
    assert not reference.is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    status = details.find_element(By.CLASS_NAME, "kopieer-status")
    WebDriverWait(browser, 10).until(lambda _: status.text, message="geen melding na het kopiëren")
    assert status.text == "Bronvermelding gekopieerd." and reference.is_displayed()
    text = reference.text
    assert re.search(rf"\. .+, p\. \d+\. {re.escape(server)}/document/[a-z0-9-]+#p\d+ \(geraadpleegd op ", text)
    assert details.get_attribute("data-gekopieerd") == text
    clipboard = browser.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('fout: ' + e));")
    assert clipboard == text
    assert browser.execute_script("return window.getSelection().toString()").strip() == text  # selected, too


def test_without_javascript_the_bronvermelding_opens_to_select(server, tmp_path):
    d = chrome(tmp_path / "zonder-js", extra=("--blink-settings=scriptEnabled=false",))
    try:
        d.get(server + "/?q=klantreis")
        assert "js" not in d.find_element(By.TAG_NAME, "html").get_attribute("class").split()  # no script ran
        details = d.find_element(By.CSS_SELECTOR, "#hit-1 details.bron")
        details.find_element(By.TAG_NAME, "summary").click()
        reference = details.find_element(By.CLASS_NAME, "bron-tekst")
        assert reference.is_displayed() and reference.text.startswith(d.find_element(
            By.CSS_SELECTOR, "#hit-1 .hit-titel").text.rstrip(".!?"))
        assert not details.find_element(By.CLASS_NAME, "kopieer-status").text  # nothing claims it was copied
    finally:
        d.quit()


def test_follow_similar_passages_from_a_hit(browser, server):
    browser.get(server + "/?q=integrale+analyse")
    hit = browser.find_element(By.ID, "hit-1")
    doc_id = re.search(r"/document/([^#]+)#", hit.find_element(By.CSS_SELECTOR, ".hit-titel a")
                       .get_attribute("href")).group(1)
    click_and_wait(browser, hit.find_element(By.CSS_SELECTOR, "a.vergelijkbaar"))
    assert re.fullmatch(rf"{re.escape(server)}/passage/{doc_id}:\d+/vergelijkbaar", browser.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Passages zoals deze"
    others = [re.search(r"/document/([^#]+)#", a.get_attribute("href")).group(1)
              for a in browser.find_elements(By.CSS_SELECTOR, ".hit .hit-titel a")]
    assert others and doc_id not in others
    assert browser.find_elements(By.CSS_SELECTOR, ".hit .snippet mark")


def test_compare_a_vraagstuk_shows_region_cards_with_evidence(browser, server):
    browser.get(server + "/vergelijk")
    cells = browser.find_elements(By.CSS_SELECTOR, "#heatmap tbody td")
    assert cells and any(int(c.text) > 0 for c in cells)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#heatmap tbody th a[href$='thema={THEMA}']"))
    assert parse_qs(urlsplit(browser.current_url).query)["thema"] == [THEMA]
    cards = browser.find_elements(By.CSS_SELECTOR, "#naast-elkaar .regio-kaart")
    addressed = [c for c in cards if "opgepakt" in c.get_attribute("class").split()]
    assert len(cards) >= 3 and 1 <= len(addressed) < len(cards)
    for card in addressed:
        status = card.find_element(By.CLASS_NAME, "status").text
        assert re.match(r"Pakt dit op: \d+ passages?$", status), status
        evidence = card.find_elements(By.CSS_SELECTOR, ".bewijs li")
        assert evidence and all(re.search(r"/document/[^#]+#p\d+$", e.find_element(By.TAG_NAME, "a")
                                          .get_attribute("href")) for e in evidence)
        assert card.find_elements(By.CSS_SELECTOR, ".bewijs mark"), "het bewijs markeert de woorden"
    names = {c.find_element(By.TAG_NAME, "h3").text for c in addressed}
    assert {"Centraal Gelderland", "Zuid-Holland Zuid"} <= names


def test_compare_regions_side_by_side(browser, server):
    browser.get(server + "/vergelijk")
    for name in REGIONS:
        browser.find_element(By.CSS_SELECTOR, f"#regio-keuze input[value='{name}']").click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#vergelijk-formulier button"))
    chosen = parse_qs(urlsplit(browser.current_url).query)["regio"]
    assert sorted(chosen) == sorted(REGIONS)
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#regios-naast-elkaar thead th")]
    assert headers == ["Vraagstuk", *chosen]
    assert browser.find_elements(By.CSS_SELECTOR, "#regios-naast-elkaar td.opgepakt .snippet")


def test_upload_pdf_through_the_form(browser, server, admin):
    login(browser, server, admin)
    assert not browser.find_elements(By.ID, f"doc-{HELD_BACK}")
    pdf = SHARED / "pdf" / f"{HELD_BACK}.pdf"
    upload(browser, server, pdf, region="Centraal Gelderland", type="projectplan")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Resultaat"
    assert [o[:2] for o in outcomes(browser)] == [(pdf.name, "toegevoegd")]
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#resultaat a[href='/document/{HELD_BACK}']"))
    assert "Centraal Gelderland" in browser.find_element(By.ID, "metadata").text
    upload(browser, server, pdf)
    assert [o[:2] for o in outcomes(browser)] == [(pdf.name, "al aanwezig")]


def test_upload_of_a_broken_file_shows_the_reason(browser, server, admin):
    login(browser, server, admin, "/beheer/toevoegen")
    upload(browser, server, SHARED / "kapot" / "geen-pdf.pdf")
    [(name, status, reason)] = outcomes(browser)
    assert (name, status) == ("geen-pdf.pdf", "geweigerd")
    assert "pdf" in reason.lower() and len(reason) > 15, reason


def _result_page(d, server, admin):
    login(d, server, admin, "/beheer/toevoegen")
    upload(d, server, SHARED / "kapot" / "geen-pdf.pdf")


def _check_page(d, server, admin):
    login(d, server, admin, "/beheer/toevoegen")
    upload(d, server, SHARED / "pdf" / "factsheet-proeftuinen.pdf", action="knop-controleren")


def _logged_in(path: str) -> Callable:
    return lambda d, server, admin: login(d, server, admin, path)


def _plain(path: str) -> Callable:
    return lambda d, server, admin: d.get(server + path)


def _open_reference(d, server):
    d.get(server + "/?q=klantreis")
    d.find_element(By.CSS_SELECTOR, "#hit-1 details.bron summary").click()
    WebDriverWait(d, 10).until(lambda _: d.find_element(By.CSS_SELECTOR, "#hit-1 .kopieer-status").text)


PAGES = {
    "zoeken-start": _plain("/"),
    "zoeken-resultaten": _plain("/?q=klantreis&regio=Zuid-Holland+Zuid"),
    "document": _plain("/document/uitvoeringsplan-zuid-holland-zuid#p12"),
    "vergelijk-matrix": _plain("/vergelijk"),
    "vergelijk-thema": _plain(f"/vergelijk?thema={THEMA}"),
    "vergelijk-regios": _plain("/vergelijk?" + "&".join(f"regio={r}" for r in REGIONS)),
    "werkende-elementen": _plain("/werkende-elementen"),
    "fout-404": _plain("/document/bestaat-niet"),
    "nieuw": _plain("/nieuw?type=projectplan"),
    "vergelijkbaar": _plain("/passage/uitvoeringsplan-zuid-holland-zuid:37/vergelijkbaar"),
    "meer-zoals-dit": _plain("/document/factsheet-proeftuinen/vergelijkbaar"),
    "pagina-proza": _plain("/document/factsheet-proeftuinen/pagina/11?passage=factsheet-proeftuinen:36"),
    "pagina-tabel": _plain("/document/uitvoeringsplan-zuid-holland-zuid/pagina/22"
                           "?passage=uitvoeringsplan-zuid-holland-zuid:72"),
    "bronvermelding-open": lambda d, server, admin: _open_reference(d, server),
    "beheer-inloggen": _plain("/beheer/inloggen"),
    "beheer-lijst": _logged_in("/beheer"),
    "toevoegen": _logged_in("/beheer/toevoegen"),
    "vervangen": _logged_in("/beheer/factsheet-proeftuinen/vervangen"),
    "verwijderen": _logged_in("/beheer/factsheet-proeftuinen/verwijderen"),
    "taken": _logged_in("/beheer/taken"),
    "taxonomie": _logged_in("/beheer/taxonomie"),
    "taxonomie-wijzigen": _logged_in("/beheer/taxonomie/regio/zeeland/wijzigen"),
    "taxonomie-verwijderen": _logged_in("/beheer/taxonomie/regio/zuid-holland-zuid/verwijderen"),
    "controleren": _check_page,
    "resultaat": _result_page,
}


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_serious_accessibility_violations(browser, server, admin, axe_script, page):
    PAGES[page](browser, server, admin)
    assert browser.find_element(By.TAG_NAME, "h1").text
    violations = run_axe(browser, axe_script)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{page} ({browser.current_url}):\n" + json.dumps(serious, indent=1, ensure_ascii=False)


def run_axe(d: webdriver.Chrome, script: Path) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the current page (rule, impact, help, up to 5 offending nodes)."""
    d.execute_script(script.read_text(encoding="utf-8"))
    result = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        "  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))"
        ".catch(e => done({error: String(e)}));", AXE_TAGS)
    assert isinstance(result, list), result
    return result


def test_add_and_remove_a_region_through_the_taxonomy_pages(browser, server, admin, axe_script):
    login(browser, server, admin, "/beheer/taxonomie")
    browser.find_element(By.CSS_SELECTOR, "#toevoegen-regio summary").click()
    browser.find_element(By.ID, "naam-regio").send_keys("Noord-Brabant")
    browser.find_element(By.ID, "aliassen-regio").send_keys("Brabant")
    click_and_wait(browser, browser.find_element(By.ID, "knop-toevoegen-regio"))
    assert "de alias 'Brabant' is dubbelzinnig" in browser.find_element(By.ID, "formulier-fouten").text
    assert not browser.find_elements(By.ID, "regio-noord-brabant")
    naam, aliassen = browser.find_element(By.ID, "naam-regio"), browser.find_element(By.ID, "aliassen-regio")
    assert naam.is_displayed() and naam.get_attribute("value") == "Noord-Brabant"  # the form kept what was typed
    naam.clear()
    naam.send_keys("Haaglanden")
    aliassen.clear()
    aliassen.send_keys("Den Haag en omstreken")
    click_and_wait(browser, browser.find_element(By.ID, "knop-toevoegen-regio"))
    assert browser.find_element(By.ID, "meldingen").text.startswith("Toegevoegd: regio 'Haaglanden'")
    assert "Den Haag en omstreken" in browser.find_element(By.ID, "regio-haaglanden").text
    assert "Haaglanden" in browser.find_element(By.ID, "wijziging-1").text
    assert not [v for v in run_axe(browser, axe_script) if v["impact"] in ("serious", "critical")]
    browser.get(server + "/vergelijk")
    assert "Haaglanden" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(server + "/beheer/taxonomie")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#regio-haaglanden a[href$='/verwijderen']"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Regio verwijderen: Haaglanden"
    click_and_wait(browser, browser.find_element(By.ID, "knop-verwijderen"))
    assert browser.find_element(By.ID, "meldingen").text.startswith("Verwijderd: regio 'Haaglanden'")
    assert not browser.find_elements(By.ID, "regio-haaglanden")
    assert "Haaglanden" in browser.find_element(By.ID, "wijziging-2").text
