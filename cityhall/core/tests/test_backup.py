"""``cityhall backup`` / ``cityhall restore`` on SQLite and PostgreSQL (cityhall/core/backup.py).

Each backup is restored into an empty instance by the real command in a subprocess, and the restored
instance's export is compared record for record with the original's; every table's row count is
compared with the manifest. PostgreSQL tests skip with the reason when no server answers (a failure
under CITYHALL_REQUIRE_SERVICES=1, as in CI).
"""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cityhall.core.backup import BackupError, backups_in, key_fingerprint, read_manifest, retained
from cityhall.core.transfer import export_document

SECRET = "backup-test-secret-" + "k" * 40


def cli(data_dir: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CITYHALL_DATA_DIR": str(data_dir), "CITYHALL_SECRET_KEY": SECRET}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "cityhall.cli", *args], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def loaded_instance(db, tmp_path):
    """An SQLite instance holding the Gimpo plan (loaded by the real command), plus an uploaded file.
    (A copy of the test database through the backup API would wait forever on the test's own open
    transaction, so the instance is built the way an operator builds one.)"""
    data = tmp_path / "a"
    data.mkdir()
    loaded = cli(data, "load")
    assert loaded.returncode == 0, loaded.stderr
    (data / "media" / "evidence").mkdir(parents=True)
    (data / "media" / "evidence" / "증빙.txt").write_text("2025년 1분기 점검 증빙\n", encoding="utf-8")
    return data


@pytest.mark.slow  # loads the plan through the command
def test_sqlite_backup_restores_into_an_empty_instance_record_for_record(loaded_instance, tmp_path):
    made = cli(loaded_instance, "backup")
    assert made.returncode == 0, made.stderr
    [archive] = backups_in(loaded_instance / "backups")
    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(archive)
    assert manifest["engine"] == "sqlite"
    assert manifest["key_fingerprint"] == key_fingerprint(SECRET)
    assert manifest["counts"]["plans_workplantask"] == 24  # the plan's 24 work-plan tasks
    assert "data/media" in manifest["files"]
    with tarfile.open(archive) as tar:  # the database and the backups are never copied as files
        assert not [n for n in tar.getnames() if n.startswith("data/cityhall.sqlite3") or "backups" in n]

    empty = tmp_path / "b"
    restored = cli(empty, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "표 " in restored.stdout and "경고" not in restored.stderr
    exported = cli(empty, "export")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == export_document()
    assert (empty / "media" / "evidence" / "증빙.txt").read_text(
        encoding="utf-8"
    ) == "2025년 1분기 점검 증빙\n"

    # The restored instance now holds records: a second restore refuses, and changes nothing.
    again = cli(empty, "restore", str(archive))
    assert again.returncode == 1
    assert "이미 기록이 있습니다" in again.stderr


def test_restore_refuses_what_is_not_a_backup_and_another_engines(tmp_path, db):
    not_backup = tmp_path / "x.tar.gz"
    not_backup.write_bytes(b"not a tar")
    done = cli(tmp_path / "b", "restore", str(not_backup))
    assert done.returncode == 1
    assert "cityhall 백업 파일로 읽을 수 없습니다" in done.stderr
    assert not (tmp_path / "b" / "cityhall.sqlite3").exists() or _rows(tmp_path / "b") == 0
    missing = cli(tmp_path / "b", "restore", str(tmp_path / "nope.tar.gz"))
    assert "백업 파일이 없습니다" in missing.stderr
    with pytest.raises(BackupError, match="백업 형식"):
        archive = tmp_path / "other.tar.gz"
        manifest = tmp_path / "manifest.json"
        manifest.write_text(json.dumps({"format": "something-else"}))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(manifest, arcname="manifest.json")
        read_manifest(archive)


def _rows(data_dir: Path) -> int:
    db = sqlite3.connect(data_dir / "cityhall.sqlite3")
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return sum(db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names)  # noqa: S608
    finally:
        db.close()


@pytest.mark.slow  # loads the plan through the command
def test_restore_warns_when_the_secret_key_differs(loaded_instance, tmp_path):
    assert cli(loaded_instance, "backup").returncode == 0
    [archive] = backups_in(loaded_instance / "backups")
    env_key = os.environ.get("CITYHALL_SECRET_KEY")
    try:
        os.environ["CITYHALL_SECRET_KEY"] = "another-" + "x" * 50
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "cityhall.cli", "restore", str(archive)],
            env={**os.environ, "CITYHALL_DATA_DIR": str(tmp_path / "c")},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        if env_key is None:
            os.environ.pop("CITYHALL_SECRET_KEY")
        else:
            os.environ["CITYHALL_SECRET_KEY"] = env_key
    assert done.returncode == 0, done.stderr
    assert "비밀 키(CITYHALL_SECRET_KEY)가 백업 때의 키와 다릅니다" in done.stderr


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_retention_keeps_the_newest_per_day_week_and_month():
    # One backup a day at 02:00 for 90 days, ending Wednesday 2025-04-30, plus a second on the last day.
    start = _at("2025-01-31T02:00")
    stamps = [start + timedelta(days=d) for d in range(90)] + [_at("2025-04-30T14:00")]
    kept = retained(stamps, daily=7, weekly=4, monthly=3)
    days = sorted({t.date().isoformat() for t in kept})
    assert _at("2025-04-30T14:00") in kept and _at("2025-04-30T02:00") not in kept
    assert days == [
        "2025-02-28", "2025-03-31",  # the newest of February and March (April's is the 30th)
        "2025-04-13", "2025-04-20",  # the newest of two earlier ISO weeks (Sundays); the other two are daily
        "2025-04-24", "2025-04-25", "2025-04-26", "2025-04-27", "2025-04-28", "2025-04-29", "2025-04-30",
    ]  # fmt: skip
    assert retained([], daily=7, weekly=4, monthly=12) == set()
    assert retained(stamps, daily=0, weekly=0, monthly=0) == {_at("2025-04-30T14:00")}  # the newest, always


@pytest.mark.slow  # loads the plan through the command
def test_backup_prunes_by_retention_and_leaves_other_files(loaded_instance, tmp_path):
    backups = loaded_instance / "backups"
    backups.mkdir()
    old = [backups / f"cityhall-2024010{d}T020000Z.tar.gz" for d in range(1, 4)]
    for path in old:
        path.write_bytes(b"")
    (backups / "notes.txt").write_text("kept")
    env_keep = {"CITYHALL_BACKUP_KEEP_DAILY": "2", "CITYHALL_BACKUP_KEEP_WEEKLY": "0",
                "CITYHALL_BACKUP_KEEP_MONTHLY": "0"}  # fmt: skip
    os.environ.update(env_keep)
    try:
        done = cli(loaded_instance, "backup")
    finally:
        for name in env_keep:
            os.environ.pop(name)
    assert done.returncode == 0, done.stderr
    left = sorted(p.name for p in backups.iterdir())
    # The new backup and the newest old one (two days); the older two removed; other files untouched.
    assert left[0] == old[2].name and left[-1] == "notes.txt" and len(left) == 3
    assert "보존 기간이 지나 지웠습니다: cityhall-20240101T020000Z.tar.gz" in done.stdout


# --- PostgreSQL -------------------------------------------------------------------------------------


@pytest.fixture
def two_databases():
    from cityhall.core.tests.test_postgres import SERVER, _admin_connection

    admin = _admin_connection()
    names = [f"ops_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{SERVER}/{name}" for name in names]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_backup_restores_into_an_empty_database_record_for_record(db, two_databases, tmp_path):
    source, target = two_databases
    a, b = tmp_path / "a", tmp_path / "b"
    loaded = cli(a, "load", database_url=source)
    assert loaded.returncode == 0, loaded.stderr
    (a / "media").mkdir()
    (a / "media" / "upload.bin").write_bytes(b"\x00\x01cityhall")
    made = cli(a, "backup", database_url=source)
    assert made.returncode == 0, made.stderr
    [archive] = backups_in(a / "backups")
    manifest = read_manifest(archive)
    assert (manifest["engine"], manifest["database"]) == ("postgresql", "database.pgdump")
    assert manifest["counts"]["plans_workplantask"] == 24

    # Into a database that holds nothing, not even the migrations.
    restored = cli(b, "restore", str(archive), database_url=target)
    assert restored.returncode == 0, restored.stderr
    exported = cli(b, "export", database_url=target)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == export_document()
    assert (b / "media" / "upload.bin").read_bytes() == b"\x00\x01cityhall"
    # A SQLite instance cannot take it: the engines' files differ.
    other = cli(tmp_path / "c", "restore", str(archive))
    assert other.returncode == 1 and "cityhall export" in other.stderr
