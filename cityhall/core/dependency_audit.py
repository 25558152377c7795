"""The dependency audit of CI (docs/security.md): the installed distributions checked against known
vulnerabilities.

1. ``pip-audit`` asks the package index's vulnerability data. Where the index (or a mirror of it) gives
   none, pip-audit skips every package and says "no known vulnerabilities": that is not a pass, so the
   number of packages it really checked is counted and printed.
2. ``--osv PATH`` also checks against an offline copy of the OSV database for PyPI (the ``all.zip`` of
   advisories, one JSON file each, carried onto the network by hand as docs/security.md says): this works
   with no network at all.

Exit status 1 when a vulnerability is found; 0 otherwise, with a warning when nothing could be checked.
Run: ``python -m cityhall.core.dependency_audit [--osv all.zip] [--require-database]``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess  # nosec B404 - runs pip-audit from this environment, no shell
import sys
import zipfile
from importlib import metadata
from pathlib import Path


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def osv_findings(database: Path, packages: dict[str, str]) -> list[str]:
    """Advisories of the OSV dump that list an installed version as affected. OSV's PyPI records list
    every affected version explicitly (``affected[].versions``), so no version-range logic is needed."""
    found = []
    with zipfile.ZipFile(database) as dump:
        for name in dump.namelist():
            if not name.endswith(".json"):
                continue
            record = json.loads(dump.read(name))
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if package.get("ecosystem") != "PyPI":
                    continue
                version = packages.get(canonical(package.get("name", "")))
                if version is not None and version in affected.get("versions", []):
                    found.append(
                        f"{package['name']} {version}: {record.get('id')} {record.get('summary', '')}"
                    )
    return sorted(found)


def pip_audit() -> tuple[int, list[str]]:
    """(packages checked, findings) from pip-audit against the package index's data."""
    done = subprocess.run(  # noqa: S603 # nosec B603 - a fixed command line
        [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr.strip(), file=sys.stderr)
        return 0, []
    checked, found = 0, []
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            continue
        checked += 1
        found += [
            f"{dep['name']} {dep['version']}: {v['id']} (fix: {v.get('fix_versions')})" for v in dep["vulns"]
        ]
    return checked, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osv", type=Path, help="an offline copy of the OSV PyPI database (all.zip)")
    parser.add_argument("--no-index", action="store_true", help="skip pip-audit (offline copy only)")
    parser.add_argument(
        "--require-database", action="store_true", help="fail when no vulnerability database could be read"
    )
    args = parser.parse_args(argv)
    packages = installed()
    checked, found = (0, []) if args.no_index else pip_audit()
    print(f"pip-audit: {checked}/{len(packages)} packages checked against the index's vulnerability data")
    if args.osv:
        found += osv_findings(args.osv, packages)
        checked = len(packages)
        print(f"OSV offline copy {args.osv}: {len(packages)} packages checked")
    for line in found:
        print(f"VULNERABLE {line}")
    if found:
        return 1
    if checked == 0:
        print(
            "WARNING: no vulnerability database was reachable; nothing was checked. "
            "Follow the manual step in docs/security.md (an offline OSV copy, --osv).",
            file=sys.stderr,
        )
        return 1 if args.require_database else 0
    print("no known vulnerabilities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
