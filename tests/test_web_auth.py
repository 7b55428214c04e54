"""The password-hash helpers and the login limiter."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from werkzeug.security import check_password_hash

from kennisbank.web.limits import LoginLimiter

ROOT = Path(__file__).resolve().parents[1]


def test_module_prints_a_hash_that_verifies():
    done = subprocess.run([sys.executable, "-m", "kennisbank.web.auth", "een lang wachtwoord"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert check_password_hash(done.stdout.strip(), "een lang wachtwoord")
    assert not check_password_hash(done.stdout.strip(), "een ander wachtwoord")


def test_module_refuses_a_short_password():
    done = subprocess.run([sys.executable, "-m", "kennisbank.web.auth", "kort"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "minstens 10 tekens" in done.stderr and not done.stdout


def test_flask_command_prints_a_hash(runner):
    result = runner.invoke(args=["wachtwoord-hash", "nog een lang wachtwoord"])
    assert result.exit_code == 0 and check_password_hash(result.output.strip(), "nog een lang wachtwoord")


def test_limiter_counts_per_client_and_forgets_after_the_window():
    limiter = LoginLimiter(max_failures=5, window=900)
    for t in range(5):
        assert limiter.retry_after("1.2.3.4", now=t) == 0
        limiter.fail("1.2.3.4", now=t)
    assert limiter.retry_after("1.2.3.4", now=10) == 890
    assert limiter.retry_after("5.6.7.8", now=10) == 0
    assert limiter.retry_after("1.2.3.4", now=901) == 0
    limiter.fail("5.6.7.8", now=11)
    limiter.reset("5.6.7.8")
    assert limiter.retry_after("5.6.7.8", now=12) == 0


def test_a_broken_hash_in_the_config_fails_closed(make_app, small_data, csrf_token, admin):
    client = make_app(small_data, ADMIN_PASSWORD_HASH="geen-echte-hash").test_client()
    response = client.post("/beheer/inloggen", data={"csrf_token": csrf_token(client), "gebruiker": admin[0],
                                                     "wachtwoord": "geen-echte-hash"})
    assert response.status_code == 401
