"""Full-page screenshots of every web page in headless Chromium, plus axe-core's findings per page.

Usage: .venv/bin/python bench/screenshots.py [--data DIR] [--out DIR]
Starts `kennisbank serve` on a free loopback port (ingesting ../shared/corpus/pdf into the data dir on first use),
saves <page>.png (1280 px wide) and <page>-smal.png (390 px, a phone) under bench/out/screenshots/ and writes every
axe violation (all impacts) to axe.json there. Needs /usr/bin/chromium, /usr/bin/chromedriver, selenium and
.cache/axe/axe.min.js (scripts/axe.sh). The browser runs in Dutch like the users' browsers, so the native file
picker reads "Bestanden kiezen"; that needs Debian's chromium-l10n (without it Chromium falls back to English).
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
AXE = ROOT / ".cache" / "axe" / "axe.min.js"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--hide-scrollbars")
WIDE, NARROW = (1280, 900), (390, 844)
MAX_HEIGHT = 9000  # the longest documents run to tens of thousands of pixels; the top is what matters here
USER = "beheerder"
PASSWORD = secrets.token_urlsafe(16)
REGIONS = ["Centraal Gelderland", "Rotterdam-Rijnmond", "Zuid-Holland Zuid"]


def start(data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`kennisbank serve --port 0` with a beheer account; returns the process and its URL once it listens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    env.update(KENNISBANK_SECRET_KEY=secrets.token_hex(32), KENNISBANK_ADMIN_USER=USER,
               KENNISBANK_ADMIN_PASSWORD_HASH=generate_password_hash(PASSWORD))
    proc = subprocess.Popen([sys.executable, "-c", "from kennisbank.cli import main; raise SystemExit(main())",
                             "--data", str(data), "serve", "--port", "0", "--corpus", str(SHARED / "pdf")],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = re.search(r"draait op (http://\S+?)/? ", log.read_text(errors="replace"))
        if found:
            return proc, found.group(1)
        if proc.poll() is not None:
            raise SystemExit(f"kennisbank serve stopte:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("kennisbank serve luisterde niet binnen 300 s")


def chrome(profile: Path) -> webdriver.Chrome:
    """Headless Chromium with a fresh profile."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--lang=nl")
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})
    env = {**os.environ, "LANGUAGE": "nl", "LANG": "nl_NL.UTF-8"}
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=env), options=options)
    d.set_page_load_timeout(60)
    d.set_script_timeout(60)
    return d


def login(d: webdriver.Chrome, base: str, path: str) -> None:
    """Log in through the form when needed, ending on path."""
    d.get(base + path)
    if "/beheer/inloggen" in d.current_url:
        d.find_element(By.ID, "gebruiker").send_keys(USER)
        d.find_element(By.ID, "wachtwoord").send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, "#login-formulier button[type=submit]").click()
        time.sleep(0.5)
        d.get(base + path)


def submit_upload(d: webdriver.Chrome, base: str, files: list[Path], button: str) -> None:
    """The toevoegen form with these files, submitted with the given button."""
    login(d, base, "/beheer/toevoegen")
    d.find_element(By.ID, "bestanden").send_keys("\n".join(str(f.resolve()) for f in files))
    d.find_element(By.ID, button).click()
    deadline = time.monotonic() + 120
    while not d.find_elements(By.CSS_SELECTOR, "#resultaat, #bevestigen-formulier, #formulier-fouten"):
        if time.monotonic() > deadline:
            raise SystemExit(f"geen uitkomst na het uploaden op {d.current_url}")
        time.sleep(0.2)


def open_reference(d: webdriver.Chrome, base: str, path: str) -> None:
    """A result page with the first hit's Bronvermelding opened (and copied, when the browser allows)."""
    d.get(base + path)
    d.find_element(By.CSS_SELECTOR, "#hit-1 details.bron summary").click()
    time.sleep(0.5)


def pages() -> dict[str, Callable[[webdriver.Chrome, str], None]]:
    """Page name -> how to get there."""
    def plain(path: str):
        return lambda d, base: d.get(base + path)

    def beheer(path: str):
        return lambda d, base: login(d, base, path)

    return {
        "zoeken-start": plain("/"),
        "zoeken-resultaten": plain("/?q=klantreis"),
        "zoeken-gefilterd": plain("/?q=samenwerking&regio=Zuid-Holland+Zuid"),
        "document": plain("/document/uitvoeringsplan-zuid-holland-zuid"),
        "vergelijk-matrix": plain("/vergelijk"),
        "vergelijk-thema": plain("/vergelijk?thema=rvt-werkwijze"),
        "vergelijk-regios": plain("/vergelijk?" + "&".join(f"regio={r}" for r in REGIONS)),
        "werkende-elementen": plain("/werkende-elementen"),
        "nieuw": plain("/nieuw"),
        "nieuw-gefilterd": plain("/nieuw?thema=verklarende-analyse"),
        "feed-zoeken": plain("/zoeken.atom?q=verklarende+analyse"),
        "vergelijkbaar": plain("/passage/uitvoeringsplan-zuid-holland-zuid:37/vergelijkbaar"),
        "meer-zoals-dit": plain("/document/factsheet-proeftuinen/vergelijkbaar"),
        "pagina-proza": plain("/document/factsheet-proeftuinen/pagina/11?passage=factsheet-proeftuinen:36"),
        "pagina-tabel": plain("/document/uitvoeringsplan-zuid-holland-zuid/pagina/22"
                              "?passage=uitvoeringsplan-zuid-holland-zuid:72"),
        "hit-bronvermelding": lambda d, base: open_reference(d, base, "/?q=verklarende+analyse"),
        "origineel": lambda d, base: (d.get(base + "/document/factsheet-proeftuinen/origineel#page=5"),
                                      time.sleep(2)),  # the PDF viewer draws the page after loading
        "fout-404": plain("/document/bestaat-niet"),
        "beheer-inloggen": plain("/beheer/inloggen"),
        "beheer-lijst": beheer("/beheer"),
        "toevoegen": beheer("/beheer/toevoegen"),
        "vervangen": beheer("/beheer/factsheet-proeftuinen/vervangen"),
        "verwijderen": beheer("/beheer/factsheet-proeftuinen/verwijderen"),
        "taken": beheer("/beheer/taken"),
        "controleren": lambda d, base: submit_upload(d, base, [SHARED / "pdf" / "factsheet-proeftuinen.pdf",
                                                               SHARED / "kapot" / "geen-pdf.pdf"], "knop-controleren"),
        "resultaat": lambda d, base: submit_upload(d, base, [SHARED / "pdf" / "factsheet-proeftuinen.pdf",
                                                             SHARED / "kapot" / "geen-pdf.pdf"], "knop-toevoegen"),
    }


def full_page_png(d: webdriver.Chrome, path: Path, width: int) -> tuple[int, int]:
    """The whole page (up to MAX_HEIGHT) as a PNG; returns its size in CSS pixels."""
    size = d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    height = min(MAX_HEIGHT, int(size["height"]))
    page_width = max(width, int(size["width"]))
    shot = d.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": page_width, "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    return page_width, height


def axe(d: webdriver.Chrome) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the current page."""
    d.execute_script(AXE.read_text(encoding="utf-8"))
    return d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        "  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-fout', impact: 'critical', help: String(e), nodes: []}]));")


def axe_html(d: webdriver.Chrome) -> list[dict]:
    """axe's findings on an HTML page; a feed or a PDF in the viewer is no HTML page and has none."""
    if d.execute_script("return document.contentType") != "text/html":
        print(f"   (geen HTML maar {d.execute_script('return document.contentType')}: geen axe)")
        return []
    return axe(d)


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; 1 when axe finds a serious or critical violation."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "screenshots-data")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "screenshots")
    args = ap.parse_args(argv)
    if not AXE.is_file():
        subprocess.run([str(ROOT / "scripts" / "axe.sh")], check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    proc, base = start(args.data, args.out / "serve.log")
    profile = Path(tempfile.mkdtemp(prefix="kennisbank-screenshots-"))
    findings: dict[str, list[dict]] = {}
    try:
        d = chrome(profile)
        try:
            for name, open_page in pages().items():
                for suffix, (width, height) in (("", WIDE), ("-smal", NARROW)):
                    d.set_window_size(width, height)
                    open_page(d, base)
                    time.sleep(0.2)
                    w, h = full_page_png(d, args.out / f"{name}{suffix}.png", width)
                    overflow = d.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
                    print(f"{name}{suffix}.png  {w}x{h}{'  (breder dan het venster!)' if overflow else ''}")
                findings[name] = axe_html(d)
                if name == "document":
                    d.set_window_size(*WIDE)
                    d.get(base + "/document/uitvoeringsplan-zuid-holland-zuid#p30")
                    time.sleep(0.3)
                    d.save_screenshot(str(args.out / "document-passage.png"))
                    print("document-passage.png  (het venster na openen op #p30)")
                for v in findings[name]:
                    print(f"   axe {v['impact']}: {v['id']} – {v['help']} ({', '.join(v['nodes'][:3])})")
        finally:
            d.quit()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(profile, ignore_errors=True)
    (args.out / "axe.json").write_text(json.dumps(findings, indent=1, ensure_ascii=False), encoding="utf-8")
    serious = sum(v["impact"] in ("serious", "critical") for vs in findings.values() for v in vs)
    print(f"{len(findings)} pagina's in {args.out}; ernstige axe-bevindingen: {serious}")
    return 1 if serious else 0


if __name__ == "__main__":
    sys.exit(main())
