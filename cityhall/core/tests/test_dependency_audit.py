"""The offline dependency audit: an OSV copy (as its all.zip) is read with no network at all."""

import json
import zipfile
from importlib import metadata

from cityhall.core import dependency_audit


def osv_dump(path, *records):
    with zipfile.ZipFile(path, "w") as dump:
        for record in records:
            dump.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def advisory(ident, package, versions):
    return {
        "id": ident,
        "summary": f"모의 advisory for {package}",
        "affected": [{"package": {"ecosystem": "PyPI", "name": package}, "versions": versions}],
    }


def test_an_installed_version_named_by_an_advisory_fails_the_audit(tmp_path, capsys):
    django = metadata.version("Django")
    dump = osv_dump(
        tmp_path / "all.zip",
        advisory("PYSEC-0000-1", "django", [django, "1.0"]),
        advisory("PYSEC-0000-2", "Django", ["1.0"]),  # another version: not ours
        {
            "id": "GO-0000-1",
            "affected": [{"package": {"ecosystem": "Go", "name": "django"}, "versions": [django]}],
        },
    )
    assert dependency_audit.main(["--no-index", "--osv", str(dump)]) == 1
    out = capsys.readouterr().out
    assert f"VULNERABLE django {django}: PYSEC-0000-1" in out
    assert "PYSEC-0000-2" not in out and "GO-0000-1" not in out


def test_a_clean_offline_audit_passes(tmp_path, capsys):
    dump = osv_dump(tmp_path / "all.zip", advisory("PYSEC-0000-3", "django-axes", ["1.0.0"]))
    assert dependency_audit.main(["--no-index", "--osv", str(dump)]) == 0
    assert "no known vulnerabilities" in capsys.readouterr().out


def test_nothing_checked_is_not_a_pass_when_a_database_is_required(capsys):
    assert dependency_audit.main(["--no-index", "--require-database"]) == 1
    assert "nothing was checked" in capsys.readouterr().err
    assert dependency_audit.main(["--no-index"]) == 0
