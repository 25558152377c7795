"""The production layout in deploy/ and ``cityhall check`` (docs/production.md).

What this machine allows: nginx parses the site configuration (``nginx -t``), systemd checks the
units (``systemd-analyze verify``), the compose file is read and held to the commands and variables
the project has, and ``cityhall check`` refuses unsafe settings. Containers themselves cannot run here.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class

from cityhall.cli import build_parser

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DOCS = DEPLOY.parent / "docs" / "production.md"
GOOD_KEY = "k3Jd9-" + "q" * 20 + "Zx81_" + "w" * 25


def _unavailable(reason: str):
    if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def check(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CITYHALL_") and k != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "cityhall.cli", "check"],
        env={**base, "CITYHALL_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


SAFE = {
    "CITYHALL_SECRET_KEY": GOOD_KEY,
    "CITYHALL_ALLOWED_HOSTS": "cityhall.example.go.kr",
    "CITYHALL_SECURE": "1",
}


def test_check_passes_a_safe_production_configuration(tmp_path):
    done = check(tmp_path, **SAFE)
    assert done.returncode == 0, done.stderr
    assert "운영 설정 검사를 통과했습니다." in done.stdout
    assert "security.W021" not in done.stdout  # HSTS preload: the domain holders' choice (settings.py)


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"CITYHALL_DEBUG": "1"}, "security.W018"),
        ({"CITYHALL_SECRET_KEY": "replace-with-50-random-characters"}, "cityhall.E003"),
        ({"CITYHALL_SECRET_KEY": "short"}, "security.W009"),
        ({"CITYHALL_SECRET_KEY": ""}, "cityhall.W004"),
        ({"CITYHALL_ALLOWED_HOSTS": "*"}, "cityhall.E001"),
        ({"CITYHALL_ALLOWED_HOSTS": "127.0.0.1,localhost"}, "cityhall.W002"),
        ({"CITYHALL_SECURE": "0"}, "security.W012"),  # and W004, W008, W016: no HSTS, redirect, CSRF
        ({"CITYHALL_LOG_FORMAT": "xml"}, "cityhall.E005"),
        ({"CITYHALL_READY_REQUIRE": "database,cache"}, "cityhall.E006"),
    ],
)
def test_check_refuses_unsafe_settings(tmp_path, change, refused):
    done = check(tmp_path, **{**SAFE, **change})
    assert done.returncode == 1
    assert f"거부 ?: ({refused})" in done.stderr
    assert "운영 설정이 안전하지 않습니다" in done.stderr


def test_check_without_tls_names_every_missing_flag(tmp_path):
    done = check(tmp_path, **{**SAFE, "CITYHALL_SECURE": "0"})
    refused = sorted(set(re.findall(r"거부 \?: \(([\w.]+)\)", done.stderr)))
    assert refused == ["security.W004", "security.W008", "security.W012", "security.W016"]


def _nginx_site(tmp_path) -> Path:
    """The site configuration inside a minimal nginx.conf, with its includes and a throwaway
    certificate (nginx -t reads the certificate files)."""
    etc = tmp_path / "nginx"
    etc.mkdir()
    for name in ("cityhall-proxy.conf", "cityhall-upstream.conf"):
        shutil.copy(DEPLOY / "nginx" / name, etc / name)
    site = (DEPLOY / "nginx" / "cityhall.conf").read_text()
    site = site.replace("/etc/nginx/", f"{etc}/").replace("/etc/ssl/cityhall/", f"{etc}/")
    (etc / "cityhall.conf").write_text(site)
    openssl = shutil.which("openssl")
    if not openssl:
        _unavailable("openssl is not installed")
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
         "-keyout", str(etc / "privkey.pem"), "-out", str(etc / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    main = etc / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n"
        f"  include {etc}/cityhall.conf;\n}}\n"
    )
    return main


def test_nginx_accepts_the_site_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        _unavailable("nginx is not installed (apt-get install nginx; ./scripts/test installs it)")
    done = subprocess.run([nginx, "-t", "-c", str(_nginx_site(tmp_path))], capture_output=True, text=True)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        _unavailable("systemd-analyze is not installed")
    # The units name the installed paths; here they point at this checkout's interpreter and files.
    units = tmp_path / "units"
    units.mkdir()
    venv_bin = Path(sys.executable).parent
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/cityhall/.venv/bin", str(venv_bin))
        text = text.replace("/opt/cityhall/deploy", str(DEPLOY)).replace("/opt/cityhall", str(DEPLOY.parent))
        text = text.replace("/bin/kill", shutil.which("kill") or "/bin/kill")
        (units / unit.name).write_text(text)
    names = sorted(str(p) for p in units.iterdir() if not p.name.endswith("@.service"))
    instance = units / "cityhall-ingest@1.service"  # a template is verified through an instance
    instance.symlink_to(units / "cityhall-ingest@.service")
    worker = units / "cityhall-worker@1.service"
    worker.symlink_to(units / "cityhall-worker@.service")
    cctv = units / "cityhall-cctv@0.service"
    cctv.symlink_to(units / "cityhall-cctv@.service")
    done = subprocess.run(  # noqa: S603
        [analyze, "verify", *names, str(instance), str(worker), str(cctv)], capture_output=True, text=True
    )
    # Users and the environment file exist on the target machine only; nothing else may be reported.
    problems = [
        line for line in done.stderr.splitlines()
        if line.strip() and "cityhall.env" not in line and "User" not in line and "Group" not in line
        and "postgresql.service" not in line and "mosquitto.service" not in line
        and "nats-server.service" not in line
    ]  # fmt: skip
    assert problems == [], done.stderr


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_file_holds_the_production_layout():
    compose = _compose()
    services = compose["services"]
    expected = {"postgres", "mosquitto", "migrate", "web", "live", "ingest", "worker", "nginx", "backup"}
    assert expected | {"bus", "traffic", "detectors", "nats", "cctv"} <= set(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists() or source.endswith((".passwd", "tls")), f"{name}: {source}"
            else:
                assert source in compose["volumes"], f"{name}: volume {source} not declared"
    assert "gunicorn" in services["web"]["command"][-1]
    # Every service that runs the application checks its settings first.
    for name in ("migrate", "web", "live", "ingest", "worker", "bus", "traffic", "detectors", "cctv"):
        assert services[name]["command"][-1].startswith("cityhall check && "), name
    assert services["web"]["healthcheck"]["test"][-1].endswith("'http://127.0.0.1:8000/readyz', timeout=3)")


def test_compose_and_units_run_real_cityhall_commands():
    parser = build_parser()
    commands = []
    for service in _compose()["services"].values():
        command = service.get("command")
        if command:
            commands += [part.strip() for part in command[-1].split("&&")]
    for unit in (DEPLOY / "systemd").iterdir():
        commands += [  # an instance's name (%i) as systemd would give it
            line.split("=", 1)[1].replace("%i", "1")
            for line in unit.read_text().splitlines()
            if line.startswith("Exec")
        ]
    verbs = [c.split("cityhall ", 1)[1].split() for c in commands if re.search(r"(^|/)cityhall ", c)]
    assert verbs, commands
    manage = get_commands()  # every management command of Django and the apps
    for argv in verbs:
        if argv[0] == "manage":
            assert argv[1] in manage, argv
            command = load_command_class(manage[argv[1]], argv[1])
            command.create_parser("cityhall manage", argv[1]).parse_args(argv[2:])  # an unknown option exits
        else:
            parser.parse_args(argv)  # an unknown verb or option exits here


def test_every_setting_read_from_the_environment_is_documented():
    read = set()
    for path in [DEPLOY.parent / "config" / "settings.py", *DEPLOY.parent.glob("cityhall/**/*.py")]:
        if "/tests/" not in str(path):
            read |= set(re.findall(r"environ(?:\.get)?\(\s*\"(CITYHALL_[A-Z0-9_]+)\"", path.read_text()))
            read |= set(re.findall(r"environ\[\"(CITYHALL_[A-Z0-9_]+)\"\]", path.read_text()))
    documented = set(re.findall(r"`(CITYHALL_[A-Z0-9_]+)`", DOCS.read_text()))
    assert sorted(read - documented) == []
    example = set(re.findall(r"^(CITYHALL_[A-Z0-9_]+)=", (DEPLOY / "cityhall.env.example").read_text(), re.M))
    assert sorted(example - documented) == []
