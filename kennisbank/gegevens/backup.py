"""Backup and restore of a data dir as one .tar.gz: the records, the originals they use, the taxonomy layer, the
accounts, the logboek and the active index generation, with a manifest of sha256 checksums.

The snapshot is consistent while the server and an ingest run: under the data dir's writer lock (held briefly) every
file is hard-linked (or copied) into a staging folder in the data dir; files are only ever replaced whole, so the
links keep the content of that moment while the archive is written after the lock is released. The logboek, which
grows in place, is copied up to its length at that moment.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

from kennisbank import index
from kennisbank.config import DataDir
from kennisbank.gegevens import logboek
from kennisbank.store import Store

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
FORMAT = 1  # the layout of the archive; a restore refuses another one
INDEX = "index"  # the active generation's files sit under this name in the archive
_PARTS = re.compile(r"^(documents|originals|taxonomie|index)/[^/]|^(gebruikers\.json|logboek\.jsonl)$")
_GENERATION = re.compile(r"^index-\d{1,9}$")
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup that cannot be made or restored, with the reason in plain Dutch."""


def _version() -> str:
    """The installed Kennisbank version, for the manifest."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kennisbank")
    except PackageNotFoundError:
        return "onbekend"


def _sha256(path: Path) -> str:
    """The hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _link(source: Path, target: Path) -> None:
    """target as a hard link to source (the content of this moment), or a copy where links cannot be made."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _snapshot(data: DataDir, staging: Path) -> dict:
    """Under the writer lock: every file of the backup into staging; what the manifest says of the index."""
    store = Store(data)
    for record in store.all():
        _link(data.records / f"{record.id}.json", staging / "documents" / f"{record.id}.json")
        original = store.original_path(record)
        if original.exists() and not (staging / "originals" / original.name).exists():
            _link(original, staging / "originals" / original.name)
    for path in sorted(data.taxonomie.glob("*")) if data.taxonomie.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            _link(path, staging / "taxonomie" / path.name)
    if data.gebruikers.exists():
        _link(data.gebruikers, staging / data.gebruikers.name)
    if data.logboek.exists():
        size = data.logboek.stat().st_size
        with data.logboek.open("rb") as fh:
            (staging / data.logboek.name).write_bytes(fh.read(size))
    if not index.exists(data):
        return {"engine": None, "generatie": None, "fingerprint": None}
    active = data.index.resolve()
    for path in sorted(active.rglob("*")):
        if path.is_file():
            _link(path, staging / INDEX / path.relative_to(active))
    marker = active / index.RULES_FILE
    return {"engine": index.built_by(data.index), "generatie": active.name,
            "fingerprint": marker.read_text(encoding="utf-8").strip() if marker.exists() else None}


def backup(data: DataDir, target: Path) -> dict:
    """Write a consistent snapshot of the data dir to target (.tar.gz); return its manifest. Logged."""
    if not data.root.is_dir():
        raise BackupError(f"de datamap {data.root} bestaat niet")
    try:
        manifest = _backup(data, target)
    except Exception as exc:
        logboek.write(data, "backup gemaakt", str(target), logboek.Resultaat.MISLUKT, str(exc))
        raise
    logboek.write(data, "backup gemaakt", str(target))
    return manifest


def _backup(data: DataDir, target: Path) -> dict:
    """backup without the logboek."""
    data.cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=data.cache, prefix="backup-"))  # same file system: links work
    try:
        with index.write_lock(data):
            about = _snapshot(data, staging)
        files = {str(p.relative_to(staging)): {"sha256": _sha256(p), "bytes": p.stat().st_size}
                 for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = {"formaat": FORMAT, "kennisbank": _version(), "gemaakt": _now(), **about,
                    "documenten": len([f for f in files if f.startswith("documents/")]), "bestanden": files}
        _write_tar(staging, manifest, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("backup %s: %d bestanden, %d documenten", target, len(files), manifest["documenten"])
    return manifest


def _now() -> str:
    """The time of a backup (UTC, ISO)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write_tar(staging: Path, manifest: dict, target: Path) -> None:
    """The archive, manifest first, written beside target and then renamed to it (no half archive under its name)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".backup-", suffix=".tar.gz")
    os.close(fd)
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            tar.addfile(_info(MANIFEST, len(payload)), io.BytesIO(payload))
            for name in manifest["bestanden"]:
                with (staging / name).open("rb") as fh:
                    tar.addfile(_info(name, manifest["bestanden"][name]["bytes"]), fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _info(name: str, size: int) -> tarfile.TarInfo:
    """The tar header of one file: owner-only, dated now."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.now(timezone.utc).timestamp())
    return info


# --- restore -------------------------------------------------------------------------------------------------------

def verify(archive: Path) -> dict:
    """The manifest of an archive whose every file is there, safe to unpack and matches its checksum; BackupError
    naming the archive otherwise. Reads the whole archive and writes nothing."""
    return _walk(archive, None)


def _walk(archive: Path, target: Path | None) -> dict:
    """Read every member of the archive, checking it against the manifest; unpack under target when given."""
    damaged = f"het archief {archive} is beschadigd of afgekapt"
    manifest: dict | None = None
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if manifest is None:
                    manifest = _manifest(tar, member, archive)
                    continue
                expected = manifest["bestanden"].get(member.name)
                if expected is None or not member.isfile() or member.name in seen:
                    raise BackupError(f"{damaged}: onverwacht onderdeel '{member.name[:120]}'")
                seen.add(member.name)
                _check_member(tar, member, expected, target, damaged)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{damaged} ({exc})") from exc
    if manifest is None:
        raise BackupError(f"{damaged}: geen manifest")
    if missing := set(manifest["bestanden"]) - seen:
        raise BackupError(f"{damaged}: {len(missing)} bestanden ontbreken, o.a. '{sorted(missing)[0]}'")
    return manifest


def _manifest(tar: tarfile.TarFile, member: tarfile.TarInfo, archive: Path) -> dict:
    """The manifest, which must come first and be of this format, naming only safe relative paths."""
    fh = tar.extractfile(member) if member.name == MANIFEST and member.isfile() else None
    if fh is None:
        raise BackupError(f"{archive} is geen backup van Kennisbank (geen {MANIFEST} vooraan)")
    try:
        manifest = json.loads(fh.read().decode("utf-8"))
        files = manifest["bestanden"]
        assert isinstance(files, dict) and manifest["formaat"] == FORMAT
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        raise BackupError(f"het manifest van {archive} is onleesbaar of van een onbekend formaat") from exc
    for name in files:
        parts = Path(name).parts
        if not parts or name.startswith("/") or ".." in parts or "\\" in name or not _PARTS.match(name):
            raise BackupError(f"{archive} noemt een onveilig pad: '{name[:120]}'")
    return manifest


def _check_member(tar: tarfile.TarFile, member: tarfile.TarInfo, expected: dict, target: Path | None,
                  damaged: str) -> None:
    """Read one file, comparing its size and sha256 with the manifest; write it under target when given."""
    source = tar.extractfile(member)
    assert source is not None
    digest, size = hashlib.sha256(), 0
    out = None
    if target is not None:
        (target / member.name).parent.mkdir(parents=True, exist_ok=True)
        out = (target / member.name).open("wb")
    try:
        while block := source.read(_CHUNK):
            digest.update(block)
            size += len(block)
            if out is not None:
                out.write(block)
    finally:
        if out is not None:
            out.close()
    if size != expected.get("bytes") or digest.hexdigest() != expected.get("sha256"):
        raise BackupError(f"{damaged}: de controlesom van '{member.name[:120]}' klopt niet")


def restore(data: DataDir, archive: Path) -> dict:
    """Unpack a verified archive into an empty or new data dir; the index is rebuilt from the originals when it
    was built under other rules (an older version). Returns the manifest. Nothing is written when it is refused."""
    if data.root.exists() and (not data.root.is_dir() or any(data.root.iterdir())):
        raise BackupError(f"de doelmap {data.root} is niet leeg; herstel in een nieuwe, lege map (--data)")
    if not archive.is_file():
        raise BackupError(f"het archief {archive} bestaat niet")
    manifest = verify(archive)
    data.root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=data.root.parent, prefix=f".{data.root.name}-herstel-"))
    try:
        _walk(archive, staging)  # again, now writing: the archive may have changed since
        if (staging / INDEX).is_dir():
            named = str(manifest.get("generatie") or "")
            generation = named if _GENERATION.fullmatch(named) else "index-1"
            os.replace(staging / INDEX, staging / generation)
            (staging / INDEX).symlink_to(generation)
        if data.root.exists():
            data.root.rmdir()
        os.replace(staging, data.root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    DataDir(data.root).ensure()
    _rebuild_if_stale(data)
    logboek.write(data, "backup teruggezet", str(archive))
    return manifest


def _rebuild_if_stale(data: DataDir) -> None:
    """Rebuild the index from the originals when the restored one is missing, unreadable or of other rules."""
    from kennisbank.documents import reindex

    stale = not index.exists(data) or index.stale_rules(data) or index.stale_tags(data)
    if not stale:
        try:
            index.open_index(data, create=False)
        except index.IndexDamagedError:
            stale = True
    if stale and (index.expected(data) or index.exists(data)):
        log.info("index van %s wordt opnieuw opgebouwd uit de originelen", data.root)
        reindex(data)
