"""What the CLI command modules share: the user error they raise, the progress bar they draw, their JSON."""
from __future__ import annotations

import json
import sys


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def print_json(obj) -> None:
    """What --json prints: indented, non-ASCII as written."""
    print(json.dumps(obj, ensure_ascii=False, indent=1))


def progress(done: int, total: int, label: str) -> None:
    """A one-line progress bar on a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
