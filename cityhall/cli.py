"""The ``cityhall`` command: everything an operator runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_DATASET = "gimpo-2025"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _print_errors(errors: list[str]) -> None:
    print(f"가져오지 않았습니다: 오류 {len(errors)}건", file=sys.stderr)
    for error in errors:
        print(f"  - {error}", file=sys.stderr)


def cmd_load(args: argparse.Namespace) -> int:
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import PlanImportError, import_document, read_dataset

    _migrate()
    try:
        report = import_document(
            read_dataset(args.dataset), actor=Actor.system(f"command:load {args.dataset}")
        )
    except PlanImportError as exc:
        _print_errors(exc.errors)
        return 1
    print(f"'{args.dataset}'을(를) 불러왔습니다: 기록 {sum(report.counts.values()):,}건")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import PlanImportError, import_document

    path = Path(args.file)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"파일이 없습니다: {path}", file=sys.stderr)
        return 1
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"JSON으로 읽을 수 없습니다: {path}: {exc}", file=sys.stderr)
        return 1
    _migrate()
    try:
        report = import_document(doc, actor=Actor.system(f"command:import {path.name}"))
    except PlanImportError as exc:
        _print_errors(exc.errors)
        return 1
    print(f"{path}을(를) 가져왔습니다: 기록 {sum(report.counts.values()):,}건")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from cityhall.core.transfer import export_document

    text = json.dumps(export_document(), ensure_ascii=False, indent=1)
    if args.output and args.output != "-":
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"{args.output}에 내보냈습니다.", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


def cmd_check_plan(args: argparse.Namespace) -> int:
    from cityhall.plans.checks import check_plan

    mismatches = check_plan()
    if args.json:
        print(json.dumps([m.as_dict() for m in mismatches], ensure_ascii=False, indent=1))
    elif mismatches:
        print(f"계획 수치 불일치 {len(mismatches)}건:")
        for m in mismatches:
            print(f"  {m}")
    return 1 if mismatches else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import database_is_empty, import_document, read_dataset
    from cityhall.organisation.demo import DEMO_PASSWORD, ensure_demo_accounts

    _migrate()
    if database_is_empty():
        actor = Actor.system("command:demo")
        import_document(read_dataset(DEFAULT_DATASET), actor=actor)
        print(f"'{DEFAULT_DATASET}' 데이터를 불러왔습니다.")
        _load_samples(actor)
    accounts = ensure_demo_accounts()
    print(f"데모 계정 (비밀번호 '{DEMO_PASSWORD}'): {', '.join(accounts)}")
    if args.no_serve:
        return 0
    return _serve(args.host, args.port)


def _load_samples(actor) -> None:
    """The seed lists no individual pledges, indicators or workloads: the demo adds labelled samples,
    and numbers the streetlights and base stations the seed counts per site."""
    from cityhall.organisation.services import workload_load_sample
    from cityhall.performance.services import performance_load_sample
    from cityhall.pledges.services import pledges_load_sample
    from cityhall.streetlights.services import registry_build_from_seed

    pledges_load_sample(actor=actor)
    performance_load_sample(actor=actor)
    workload_load_sample(actor=actor)
    print("예시 자료(공약 56건, 성과지표, 업무량)를 불러왔습니다. 화면에 '예시'로 표시됩니다.")
    built = registry_build_from_seed(actor=actor)
    devices = f"스마트가로등 {built.lights}대, 기지국 {built.base_stations}개소"
    print(f"{devices}를 등록했습니다 (식별번호는 부여한 값).")


def _serve(host: str, port: int) -> int:
    from waitress import serve

    from config.wsgi import application

    print(f"http://{host}:{port}/ 에서 서비스합니다. (끝내려면 Ctrl+C)")
    serve(application, host=host, port=port, threads=8, ident="cityhall")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _migrate()
    return _serve(args.host, args.port)


def cmd_token(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from cityhall.core.models import ApiToken

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"사용자가 없습니다: {args.username}", file=sys.stderr)
        return 1
    _, raw = ApiToken.issue(user=user, name=args.name)
    print(raw)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cityhall manage", *args.rest])
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.run import main as bench_main  # type: ignore[import-not-found]

    return bench_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityhall", description="기획조정실 업무 플랫폼")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="마이그레이션, 김포 2025 데이터, 데모 계정을 준비하고 서비스합니다")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="준비만 하고 끝냅니다")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="웹 애플리케이션과 API를 서비스합니다")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("load", help="번들 데이터셋을 빈 데이터베이스에 불러옵니다")
    p.add_argument("dataset", nargs="?", default=DEFAULT_DATASET)
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("check-plan", help="계획에 두 번 적힌 수치가 서로 맞는지 검사합니다")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check_plan)

    p = sub.add_parser("export", help="불러온 계획 전체를 JSON 문서로 내보냅니다")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="JSON 계획 문서를 빈 데이터베이스로 가져옵니다 (전부 또는 전무)")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("token", help="API 토큰을 발급합니다")
    p.add_argument("username")
    p.add_argument("--name", default="cli")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("manage", help="Django 관리 명령을 실행합니다", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)

    p = sub.add_parser("bench", help="성능을 측정합니다 (benchmarks/)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in {"manage", "bench"}:
        # Everything after the verb belongs to it, options such as --help included.
        args = argparse.Namespace(func=cmd_manage if argv[0] == "manage" else cmd_bench, rest=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    _setup()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
