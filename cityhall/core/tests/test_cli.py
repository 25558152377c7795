"""The ``cityhall`` command, run as an operator would, in a subprocess on its own SQLite database."""

import json
import os
import subprocess
import sys

import pytest


def run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CITYHALL_DATA_DIR"] = str(tmp_path / "var")
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "cityhall.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo")
    first = run(path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    return path, first


def test_demo_prepares_the_database_and_accounts(prepared):
    _, first = prepared
    assert "'gimpo-2025' 데이터를 불러왔습니다." in first.stdout
    assert "smart-city-editor" in first.stdout and "director" in first.stdout


def test_demo_again_is_safe(prepared):
    path, _ = prepared
    again = run(path, "demo", "--no-serve")
    assert again.returncode == 0, again.stderr
    assert "불러왔습니다" not in again.stdout  # the loaded plan is kept, not loaded twice
    exported = json.loads(run(path, "export").stdout)
    assert len(exported["work_plan_tasks"]) == 24


def test_export_to_file_and_import_into_a_new_database(prepared, tmp_path):
    path, _ = prepared
    out = tmp_path / "plan.json"
    assert run(path, "export", "-o", str(out)).returncode == 0
    imported = run(tmp_path, "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"{out}을(를) 가져왔습니다: 기록 ")
    assert json.loads(run(tmp_path, "export").stdout) == json.loads(out.read_text(encoding="utf-8"))


def test_import_of_a_file_that_is_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run(tmp_path, "import", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith(f"JSON으로 읽을 수 없습니다: {bad}")


def test_import_of_a_missing_file(tmp_path):
    result = run(tmp_path, "import", str(tmp_path / "nope.json"))
    assert (result.returncode, result.stderr.strip()) == (1, f"파일이 없습니다: {tmp_path / 'nope.json'}")


def test_load_of_an_unknown_dataset(tmp_path):
    result = run(tmp_path, "load", "atlantis-2099")
    assert result.returncode == 1
    assert "데이터셋 'atlantis-2099'이(가) 없습니다. 있는 것: gimpo-2025" in result.stderr


def test_manage_runs_django_commands(prepared):
    path, _ = prepared
    result = run(path, "manage", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
