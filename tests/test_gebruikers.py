"""Personal accounts: `kennisbank gebruiker` from a real shell, password rules, the last beheerder, the hash."""
from __future__ import annotations

import json

import pytest

from kennisbank.config import DataDir
from kennisbank.gegevens import gebruikers, logboek


@pytest.fixture
def data(tmp_path) -> DataDir:
    """An empty data dir."""
    return DataDir(tmp_path / "data")


def test_two_accounts_from_stdin_then_list_and_log(cli, data):
    first = cli("gebruiker", "add", "anouk", "--rol", "redacteur", data=data, stdin="paars-fietsje-negen\n")
    second = cli("gebruiker", "add", "Bas", "--rol", "beheerder", data=data, stdin="groene-appel-zeventig\n")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    listed = json.loads(cli("gebruiker", "list", "--json", data=data).stdout)["gebruikers"]
    assert [(g["naam"], g["rol"], g["geblokkeerd"]) for g in listed] == [("anouk", "redacteur", False),
                                                                         ("bas", "beheerder", False)]
    stored = data.gebruikers.read_text(encoding="utf-8")
    assert "paars-fietsje-negen" not in stored and "scrypt$" in stored
    assert data.gebruikers.stat().st_mode & 0o077 == 0
    assert gebruikers.authenticate(data, "anouk", "paars-fietsje-negen").rol == "redacteur"
    assert gebruikers.authenticate(data, "anouk", "paars-fietsje-tien") is None
    events = json.loads(cli("logboek", "--json", data=data).stdout)["gebeurtenissen"]
    assert [(e["actie"], e["object"], e["resultaat"]) for e in events] == [
        ("gebruiker toegevoegd", "bas", "gelukt"), ("gebruiker toegevoegd", "anouk", "gelukt")]
    assert all(e["wie"].startswith("cli:") for e in events)
    assert "paars-fietsje-negen" not in data.logboek.read_text(encoding="utf-8")


@pytest.mark.parametrize("password, reason", [("kort-maar", "te kort: minstens 12 tekens, dit heeft er 9"),
                                              ("Wachtwoord1234", "veelgebruikte wachtwoorden"),
                                              ("aaaaaaaaaaaaaaaa", "veelgebruikte wachtwoorden")])
def test_weak_passwords_are_refused_with_the_reason(cli, data, password, reason):
    answer = cli("gebruiker", "add", "anouk", "--rol", "redacteur", data=data, stdin=password + "\n")
    assert answer.returncode == 2 and reason in answer.stderr
    assert gebruikers.all_accounts(data) == []
    failed = logboek.read(data)[0]
    assert (failed.actie, failed.resultaat) == ("gebruiker toegevoegd", "mislukt") and reason in failed.reden


def test_bad_name_role_and_duplicate_are_refused(cli, data):
    assert "ongeldige gebruikersnaam" in cli("gebruiker", "add", "../x", "--rol", "redacteur", data=data,
                                             stdin="paars-fietsje-negen\n").stderr
    assert "onbekende rol" in cli("gebruiker", "add", "anouk", "--rol", "koning", data=data,
                                  stdin="paars-fietsje-negen\n").stderr
    gebruikers.add(data, "anouk", "redacteur", "paars-fietsje-negen")
    again = cli("gebruiker", "add", "anouk", "--rol", "beheerder", data=data, stdin="groene-appel-zeventig\n")
    assert again.returncode == 2 and "bestaat al" in again.stderr
    assert gebruikers.get(data, "anouk").rol == "redacteur"


def test_the_last_beheerder_cannot_be_removed_blocked_or_demoted(cli, data):
    gebruikers.add(data, "bas", "beheerder", "groene-appel-zeventig")
    gebruikers.add(data, "anouk", "redacteur", "paars-fietsje-negen")
    for args in (("verwijder", "bas"), ("blokkeer", "bas"), ("rol", "bas", "redacteur")):
        answer = cli("gebruiker", *args, data=data)
        assert answer.returncode == 2 and "laatste beheerder" in answer.stderr, args
    assert gebruikers.get(data, "bas").rol == "beheerder" and not gebruikers.get(data, "bas").geblokkeerd
    assert cli("gebruiker", "rol", "anouk", "beheerder", data=data).returncode == 0
    assert cli("gebruiker", "blokkeer", "bas", data=data).returncode == 0
    assert gebruikers.authenticate(data, "bas", "groene-appel-zeventig") is None
    assert cli("gebruiker", "verwijder", "bas", data=data).returncode == 0
    assert [g.naam for g in gebruikers.all_accounts(data)] == ["anouk"]


def test_a_new_password_changes_the_session_key_and_the_old_one_stops_working(cli, data):
    before = gebruikers.add(data, "anouk", "redacteur", "paars-fietsje-negen")
    answer = cli("gebruiker", "wachtwoord", "anouk", data=data, stdin="blauwe-tram-op-zondag\n")
    assert answer.returncode == 0, answer.stderr
    after = gebruikers.get(data, "anouk")
    assert after.sleutel != before.sleutel and after.hash != before.hash
    assert gebruikers.authenticate(data, "anouk", "paars-fietsje-negen") is None
    assert gebruikers.authenticate(data, "anouk", "blauwe-tram-op-zondag") is not None


def test_no_password_on_stdin_is_refused(cli, data):
    answer = cli("gebruiker", "add", "anouk", "--rol", "redacteur", data=data, stdin="")
    assert answer.returncode == 2 and "geen wachtwoord" in answer.stderr and not data.gebruikers.exists()


def test_logboek_filters_by_who_and_date(cli, data):
    token = logboek.door("anouk", "10.0.0.7")
    try:
        logboek.write(data, "document verwijderd", "plan-a")
    finally:
        logboek.einde(token)
    logboek.write(data, "document verwijderd", "plan-b", wie="bas")
    by_anouk = json.loads(cli("logboek", "--json", "--wie", "anouk", data=data).stdout)["gebeurtenissen"]
    assert [(e["object"], e["adres"]) for e in by_anouk] == [("plan-a", "10.0.0.7")]
    assert "plan-b" in cli("logboek", "--sinds", "2000-01-01", data=data).stdout
    assert json.loads(cli("logboek", "--json", "--sinds", "2999-01-01", data=data).stdout)["gebeurtenissen"] == []
    bad = cli("logboek", "--sinds", "gisteren", data=data)
    assert bad.returncode == 2 and "geen datum" in bad.stderr


def _at_a_terminal(command: list[str], answers: list[bytes]) -> tuple[bytes, int]:
    """Run command on a pseudo-terminal, typing each answer after a prompt; its output and exit code."""
    import os
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.execv(command[0], command)
    out, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child ended
            break
        if not chunk:
            break
        out += chunk
        if pending and chunk.rstrip().endswith(b":"):
            os.write(fd, pending.pop(0))
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out, os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("second, code", [(b"rode-vlieger-boven-zee\n", 0), (b"rode-vlieger-boven-zeE\n", 2)])
def test_at_a_terminal_the_password_is_asked_twice_without_echo(cli, data, second, code):
    out, exit_code = _at_a_terminal([*cli.command, "--data", str(data.root), "gebruiker", "add", "carla", "--rol",
                                     "beheerder"], [b"rode-vlieger-boven-zee\n", second])
    assert exit_code == code and out.count(b"Wachtwoord") == 2 and b"rode-vlieger" not in out
    assert (gebruikers.get(data, "carla") is not None) is (code == 0)
    assert code == 0 or b"verschillen" in out
