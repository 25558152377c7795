"""Backups of a whole instance: the database and the files under the data directory (ADR 0017).

One archive, ``cityhall-YYYYmmddTHHMMSSZ.tar.gz`` (mode 0600), holds:

- ``manifest.json``: format, time, engine, the row count of every table taken in the same snapshot as
  the dump, and a fingerprint of the secret key the data was written with;
- the database by the engine's own tool: SQLite's online backup API (``database.sqlite3``), or
  ``pg_dump --format=custom`` in an exported snapshot (``database.pgdump``);
- ``data/``: the data directory's files (uploads under ``media/``, the traffic twin's networks, the
  embedded default's generated key) without the database, static files and backups; ``media/`` when
  the uploads live outside it.

``restore_archive`` puts them into an *empty* instance of the same engine (``replace=True`` to
overwrite one that holds records), then recounts every table against the manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

FORMAT = "cityhall-backup/1"
NAME = re.compile(r"^cityhall-(\d{8}T\d{6}Z)\.tar\.gz$")
STAMP = "%Y%m%dT%H%M%SZ"
# Never copied from the data directory: the database itself (taken by its engine's tool), what is
# rebuilt (static files), and the backups.
_SKIP = re.compile(r"^(cityhall\.sqlite3(-wal|-shm|-journal)?|static|backups)$")


class BackupError(Exception):
    """What went wrong, in Korean, for the operator."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: list[str] = field(default_factory=list)
    key_matches: bool = True


def key_fingerprint(key: str) -> str:
    """Tells two secret keys apart without revealing either."""
    return hmac.new(key.encode(), b"cityhall.backup.key-fingerprint", hashlib.sha256).hexdigest()[:16]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"이 데이터베이스({vendor})의 백업은 지원하지 않습니다 (SQLite, PostgreSQL).")
    return vendor


# --- SQLite ----------------------------------------------------------------------------------------


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _sqlite_dump(target: Path) -> dict[str, int]:
    """Copy the live database page by page (consistent while others write); count in the copy."""
    source = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        return _sqlite_counts(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_load(dump: Path) -> None:
    connections.close_all()
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    live = sqlite3.connect(target)
    try:
        source.backup(live)  # replaces every page of the target, in one step
    finally:
        live.close()
        source.close()


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore: the password never appears on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run_tool(args: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]}이(가) 없습니다 (Debian: apt-get install postgresql-client).")
    done = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{args[0]} 실패 (종료 코드 {done.returncode}): {done.stderr.strip()[:2000]}")


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 - names from the catalogue
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump inside a snapshot this connection exported, so the counts and the dump see the same
    database, however busy it is."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            _run_tool(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "--file", str(target)],
                _pg_env(),
            )  # fmt: skip
        raw.rollback()
    finally:
        raw.close()
    return counts


def _pg_load(dump: Path) -> None:
    connections.close_all()
    _run_tool(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--dbname", _pg_env()["PGDATABASE"], str(dump)],
        _pg_env(),
    )  # fmt: skip


# --- counts ----------------------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Rows of every table of the configured database, now."""
    if _engine() == "sqlite":
        db = sqlite3.connect(_sqlite_path())
        try:
            return _sqlite_counts(db)
        finally:
            db.close()
    with connection.cursor() as cursor:
        return _pg_counts(cursor)


def holds_records() -> bool:
    """Whether the instance holds any row a restore would overwrite (migrations' bookkeeping aside)."""
    if _engine() == "sqlite" and not _sqlite_path().exists():
        return False
    return any(n for name, n in table_counts().items() if name != "django_migrations")


# --- files -----------------------------------------------------------------------------------------


def _file_roots() -> list[tuple[str, Path]]:
    data = Path(settings.DATA_DIR).resolve()
    roots = [("data", data)]
    media = Path(settings.MEDIA_ROOT).resolve()
    if not media.is_relative_to(data):
        roots.append(("media", media))
    return roots


def _add_files(tar: tarfile.TarFile) -> list[str]:
    backups = Path(settings.CITYHALL_BACKUP_DIR).resolve()
    added = []
    for prefix, root in _file_roots():
        if not root.exists():
            continue
        for child in sorted(root.iterdir()):
            if prefix == "data" and _SKIP.match(child.name) or child.resolve() == backups:
                continue
            tar.add(child, arcname=f"{prefix}/{child.name}")
            added.append(f"{prefix}/{child.name}")
    return added


# --- backup, restore, retention ---------------------------------------------------------------------


def create_backup(directory: Path | None = None, *, now: datetime | None = None) -> Path:
    """Write one archive into ``directory`` (default ``CITYHALL_BACKUP_DIR``) and return its path."""
    engine = _engine()
    directory = Path(directory or settings.CITYHALL_BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    final = directory / f"cityhall-{now:{STAMP}}.tar.gz"
    if final.exists():
        raise BackupError(f"같은 시각의 백업이 이미 있습니다: {final}")
    with tempfile.TemporaryDirectory(prefix="cityhall-backup-") as work:
        dump = Path(work) / ("database.sqlite3" if engine == "sqlite" else "database.pgdump")
        counts = _sqlite_dump(dump) if engine == "sqlite" else _pg_dump(dump)
        partial = directory / f".{final.name}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(dump, arcname=dump.name)
                files = _add_files(tar)
                manifest = {
                    "format": FORMAT,
                    "created": now.isoformat(),
                    "engine": engine,
                    "database": dump.name,
                    "files": files,
                    "counts": counts,
                    "key_fingerprint": key_fingerprint(settings.SECRET_KEY),
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, final)  # a crash never leaves a half archive under the real name
        finally:
            partial.unlink(missing_ok=True)
    return final


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else None
    except FileNotFoundError:
        raise BackupError(f"백업 파일이 없습니다: {archive}") from None
    except (tarfile.TarError, KeyError, OSError, json.JSONDecodeError, EOFError) as exc:
        raise BackupError(f"cityhall 백업 파일로 읽을 수 없습니다: {archive} ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"cityhall 백업 형식({FORMAT})이 아닙니다: {archive}")
    return manifest


def restore_archive(archive: Path, *, replace: bool = False) -> RestoreReport:
    """Restore ``archive`` into this instance; refuses one that holds records unless ``replace``."""
    manifest = read_manifest(archive)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"이 백업은 {manifest['engine']} 데이터베이스의 것인데 지금 설정은 {engine}입니다. "
            "다른 엔진으로 옮기려면 'cityhall export'와 'cityhall import'를 쓰세요."
        )
    if not replace and holds_records():
        raise BackupError(
            "이 인스턴스에는 이미 기록이 있습니다. 빈 인스턴스에 복원하거나, 덮어쓰려면 --replace를 주세요."
        )
    with (
        tempfile.TemporaryDirectory(prefix="cityhall-restore-") as work,
        tarfile.open(archive, "r:gz") as tar,
    ):
        tar.extractall(work, filter="data")  # no absolute paths, links out or devices
        dump = Path(work) / manifest["database"]
        if not dump.is_file():
            raise BackupError(f"백업에 데이터베이스({manifest['database']})가 없습니다: {archive}")
        if engine == "sqlite":
            _sqlite_load(dump)
        else:
            _pg_load(dump)
        for prefix, root in _file_roots():
            source = Path(work) / prefix
            if source.is_dir():
                root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(source, root, dirs_exist_ok=True)
    counts = table_counts()
    mismatches = [
        f"{name}: 백업 {expected:,}행, 복원 {counts.get(name, 0):,}행"
        for name, expected in sorted(manifest["counts"].items())
        if counts.get(name, 0) != expected
    ]
    key = os.environ.get("CITYHALL_SECRET_KEY") or _restored_local_key() or settings.SECRET_KEY
    return RestoreReport(manifest, counts, mismatches, key_fingerprint(key) == manifest["key_fingerprint"])


def _restored_local_key() -> str | None:
    path = Path(settings.DATA_DIR) / "secret_key"
    return path.read_text().strip() if path.exists() else None


def backups_in(directory: Path) -> dict[Path, datetime]:
    found = {}
    for path in Path(directory).glob("cityhall-*.tar.gz"):
        match = NAME.match(path.name)
        if match:
            found[path] = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
    return found


def retained(stamps: Iterable[datetime], *, daily: int, weekly: int, monthly: int) -> set[datetime]:
    """Grandfather-father-son: the newest backup of each of the last ``daily`` days that have one, of
    the last ``weekly`` ISO weeks and of the last ``monthly`` months; the newest backup always."""
    ordered = sorted(set(stamps), reverse=True)
    keep = set(ordered[:1])
    for count, period in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen: list[Any] = []
        for stamp in ordered:
            key = period(stamp)
            if key not in seen:
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(stamp)
    return keep


def prune_backups(directory: Path | None = None, *, keep: dict[str, int] | None = None) -> list[Path]:
    """Delete the archives the retention does not keep; return them."""
    found = backups_in(Path(directory or settings.CITYHALL_BACKUP_DIR))
    keep = keep or settings.CITYHALL_BACKUP_KEEP
    kept = retained(found.values(), daily=keep["daily"], weekly=keep["weekly"], monthly=keep["monthly"])
    removed = sorted(path for path, stamp in found.items() if stamp not in kept)
    for path in removed:
        path.unlink()
    return removed
