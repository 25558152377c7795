"""The same plan on the production database: PostgreSQL through DATABASE_URL.

Runs the real ``cityhall`` command in a subprocess against a throwaway database on the local server.
Skipped (with the reason) when no server answers; ``.ci/run`` sets CITYHALL_REQUIRE_SERVICES=1, which
turns that skip into a failure.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest

from cityhall.core.transfer import export_document

SERVER = os.environ.get("CITYHALL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
pytestmark = pytest.mark.postgres


def _admin_connection():
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    try:
        return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL at {SERVER} is unreachable: {exc}".strip()
        if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def postgres_url(tmp_path):
    connection = _admin_connection()
    name = f"cityhall_test_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def run(url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "CITYHALL_DATA_DIR": str(tmp_path)}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "cityhall.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_load_export_and_check_on_postgresql(db, postgres_url, tmp_path):
    loaded = run(postgres_url, tmp_path, "load")
    assert loaded.returncode == 0, loaded.stderr
    exported = run(postgres_url, tmp_path, "export")
    assert exported.returncode == 0, exported.stderr
    # The same records as the embedded default (SQLite) holds, record for record.
    assert json.loads(exported.stdout) == export_document()
    checked = run(postgres_url, tmp_path, "check-plan", "--json")
    assert checked.returncode == 1
    assert [(m["line"], m["expected"], m["severity"]) for m in json.loads(checked.stdout)] == [
        (586, "252,000천원", "error"),
        (586, "252,000천원", "error"),
        (591, "40,000천원", "error"),
        (261, "45명", "note"),
    ]


def test_invalid_import_leaves_postgresql_empty(postgres_url, tmp_path):
    bad = tmp_path / "bad.json"
    document = {"org_units": [{"code": "x", "name": "X", "kind": "nonsense"}]}
    bad.write_text(json.dumps(document), encoding="utf-8")
    imported = run(postgres_url, tmp_path, "import", str(bad))
    assert imported.returncode == 1
    assert "org_units[0] (x): kind:" in imported.stderr
    exported = run(postgres_url, tmp_path, "export")
    assert all(json.loads(exported.stdout)[name] == [] for name in ("org_units", "programs", "figures"))
