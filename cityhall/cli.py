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
    from cityhall.plans.checks import check_plan, plan_notes

    mismatches, notes = check_plan(), plan_notes()
    if args.json:
        print(json.dumps([m.as_dict() for m in mismatches + notes], ensure_ascii=False, indent=1))
    else:
        if mismatches:
            print(f"계획 수치 불일치 {len(mismatches)}건:")
            for m in mismatches:
                print(f"  {m}")
        if notes:  # differences the plan may mean; they never make the check fail
            print(f"참고 {len(notes)}건:")
            for m in notes:
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
    server = _web_server(args.host, args.port)  # bound first: a taken port ends the demo before it starts
    if server is None:
        return 1
    runtime = None if args.no_live else _start_live()
    buses = None if runtime is None else _start_bus_live(runtime.url)
    traffic = None if runtime is None else _start_traffic_live(runtime.url)
    jobs = _start_jobs()
    try:
        return _run(server, args.host, args.port)
    finally:
        if traffic is not None:
            traffic.stop()  # before the broker it publishes to
        if buses is not None:
            buses.stop()  # before the broker it publishes to
        if runtime is not None:
            print("실시간 운영을 멈추는 중입니다…")
            runtime.stop()
        jobs.stop()


def _start_jobs():
    """The task queue's scheduler and a worker in threads of this process (ADR 0019): notifications,
    reminders and purges run in the demo with nothing else to start."""
    from cityhall.jobs.runtime import JobRunner

    print("백그라운드 작업: 이 프로세스에서 실행 (정기 작업 포함)")
    return JobRunner().start()


def _start_live():
    """The streetlights' live runtime for the demo: embedded broker, ingester, dispatcher, simulator
    and jobs in threads of this process, next to the web server (ADR 0009)."""
    import signal

    from cityhall.streetlights.operations.runtime import LiveRuntime
    from cityhall.telemetry.broker import BrokerStartError

    try:
        try:
            runtime = LiveRuntime(simulate=True).start()
        except BrokerStartError as exc:
            # 1884 is taken (another demo?): any free port will do, nobody outside needs to know it.
            print(f"{exc} 빈 포트로 다시 시도합니다.", file=sys.stderr)
            runtime = LiveRuntime(simulate=True, embedded_port=0).start()
    except Exception as exc:  # the web application is still worth serving
        print(f"가로등 실시간 운영을 시작하지 못해 웹만 서비스합니다: {exc}", file=sys.stderr)
        return None

    def stop_on_sigterm(signum, frame):
        raise KeyboardInterrupt  # waitress stops on it, then the runtime is stopped in order

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    print(runtime.describe())
    return runtime


def _start_bus_live(url: str):
    """Simulated buses and BITs (모의) on the streetlights' broker, with the AVL subscriber (ADR 0015)."""
    from cityhall.bus.runtime import BusRuntime
    from cityhall.bus.services import network_ensure
    from cityhall.core.audit import Actor

    try:
        network_ensure(actor=Actor.system("command:demo"))
        runtime = BusRuntime(url, simulate=True).start()
    except Exception as exc:  # the rest of the demo is still worth serving
        print(f"버스정보 실시간 운영을 시작하지 못했습니다: {exc}", file=sys.stderr)
        return None
    print(runtime.describe())
    return runtime


def _start_traffic_live(url: str):
    """The twin's detectors at real time, simulated VMS signs (모의) and the VMS sender on the same
    broker (ADR 0030). The signs are
    placed in the sender's thread (the twin's network is built there), so the demo starts at once;
    without SUMO those threads log why and the traffic part stays off."""
    from cityhall.traffic.runtime import TrafficRuntime

    try:
        runtime = TrafficRuntime(url, simulate=True, twin=True, silent={"VMS-29"}).start()
    except Exception as exc:  # the rest of the demo is still worth serving
        print(f"교통 실시간 운영을 시작하지 못했습니다: {exc}", file=sys.stderr)
        return None
    print(runtime.describe())
    return runtime


def _load_samples(actor) -> None:
    """The seed lists no individual pledges, indicators or workloads: the demo adds labelled samples,
    and numbers the streetlights and base stations the seed counts per site."""
    from cityhall.finance.services import finance_load_sample
    from cityhall.gis.services import gis_load_sample
    from cityhall.it.services import it_load_sample
    from cityhall.legal.services import legal_load_sample
    from cityhall.organisation.services import workload_load_sample
    from cityhall.participation.services import participation_load_sample
    from cityhall.performance.services import performance_load_sample
    from cityhall.pledges.services import pledges_load_sample
    from cityhall.streetlights.registry.services import registry_build_from_seed

    pledges_load_sample(actor=actor)
    participation_load_sample(actor=actor)
    performance_load_sample(actor=actor)
    workload_load_sample(actor=actor)
    it = it_load_sample(actor=actor)
    if any(it.values()):
        counts = f"정보화사업 {it['projects']}건·검토 {it['reviews']}건, 정보자산 {it['assets']}건"
        counts += f", 공공와이파이 {it['wifi_sites']}개소, 사용전검사 {it['inspections']}건"
        print(f"정보통신 예시 자료({counts})를 불러왔습니다.")
    legal_load_sample(actor=actor)
    finance_load_sample(actor=actor)
    print(
        "예시 자료(공약 56건, 성과지표, 업무량, 자치법규·법무, 주민참여예산·제안제도, 재정)를 불러왔습니다. "
        "화면에 '예시'로 표시됩니다."
    )
    built = registry_build_from_seed(actor=actor)
    devices = f"스마트가로등 {built.lights}대, 기지국 {built.base_stations}개소"
    print(f"{devices}를 등록했습니다 (식별번호는 부여한 값).")
    from cityhall.military.services import samples_load as military_samples_load
    from cityhall.reform.services import samples_load as reform_samples_load

    military_samples_load(actor=actor)
    reform_samples_load(actor=actor)
    print("예시 자료(군소음 보상 신청 150건, 협의체·협력과제, 규제 개선 과제)를 불러왔습니다.")
    layers = gis_load_sample(actor=actor)
    print(f"예시 공간정보 레이어 {layers}개와 2025년 공간정보 추진사업을 불러왔습니다 ('예시'로 표시).")
    from cityhall.cctv.services import candidates_build_samples, registry_build_samples

    cctv = registry_build_samples(actor=actor)
    print(f"CCTV 예시 대장: 개소 {cctv.sites:,}곳, 카메라 {cctv.cameras:,}대, 분석 서버 {cctv.servers}대.")
    candidates_build_samples(actor=actor)
    from cityhall.bus.services import network_ensure, notices_load_samples

    network_ensure(actor=actor)
    notices_load_samples(actor=actor)
    print("모의 버스망(노선 6개)과 BIT 시정홍보 예시 77건(2024년)을 불러왔습니다.")


def _web_server(host: str, port: int):
    """The waitress server, bound to ``host:port``; None (and a Korean message) if it cannot bind."""
    from waitress.server import create_server

    from config.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=8, ident="cityhall")
    except OSError as exc:
        print(f"웹 서버를 {host}:{port}에서 시작하지 못했습니다: {exc.strerror or exc}", file=sys.stderr)
        print("다른 포트를 쓰려면 --port 를 주세요.", file=sys.stderr)
        return None


def _run(server, host: str, port: int) -> int:
    print(f"http://{host}:{port}/ 에서 서비스합니다. (끝내려면 Ctrl+C)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


def _serve(host: str, port: int) -> int:
    server = _web_server(host, port)
    return 1 if server is None else _run(server, host, port)


def cmd_serve(args: argparse.Namespace) -> int:
    _migrate()
    return _serve(args.host, args.port)


def cmd_check(args: argparse.Namespace) -> int:
    """Refuse a production start with unsafe settings: Django's deployment checks and the project's."""
    from cityhall.core.checks import deployment_problems

    fatal, reported = deployment_problems()
    for message in fatal + reported:
        print(
            f"{'거부' if message in fatal else '참고'} {message}",
            file=sys.stderr if message in fatal else sys.stdout,
        )
    if fatal:
        print(f"운영 설정이 안전하지 않습니다: {len(fatal)}건 (docs/production.md)", file=sys.stderr)
        return 1
    print("운영 설정 검사를 통과했습니다.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from cityhall.core.backup import BackupError, create_backup, prune_backups

    directory = Path(args.dir) if args.dir else None
    try:
        path = create_backup(directory)
    except BackupError as exc:
        print(f"백업하지 못했습니다: {exc}", file=sys.stderr)
        return 1
    print(f"백업했습니다: {path} ({path.stat().st_size:,}바이트)")
    if not args.no_prune:
        for old in prune_backups(directory):
            print(f"보존 기간이 지나 지웠습니다: {old.name}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from cityhall.core.backup import BackupError, restore_archive

    try:
        report = restore_archive(Path(args.archive), replace=args.replace)
    except BackupError as exc:
        print(f"복원하지 못했습니다: {exc}", file=sys.stderr)
        return 1
    rows = sum(report.counts.values())
    print(
        f"복원했습니다: {args.archive} ({report.manifest['created']}, 표 {len(report.counts)}개, {rows:,}행)"
    )
    if not report.key_matches:
        print(
            "경고: 지금의 비밀 키(CITYHALL_SECRET_KEY)가 백업 때의 키와 다릅니다. 그 키로 암호화·해시한 "
            "개인정보를 읽을 수 없습니다.",
            file=sys.stderr,
        )
    if report.mismatches:
        print(f"행 수가 백업과 다릅니다: {len(report.mismatches)}개 표", file=sys.stderr)
        for line in report.mismatches:
            print(f"  - {line}", file=sys.stderr)
        return 1
    return 0


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
    if args.rest[:1] == ["ingest"]:  # telemetry ingestion: benchmarks/ingest.py
        from benchmarks.ingest import main as ingest_main  # type: ignore[import-not-found]

        return ingest_main(args.rest[1:])
    if args.rest[:1] == ["booking"]:  # legal consultations booked at once over HTTP: benchmarks/booking.py
        from benchmarks.booking import main as booking_main  # type: ignore[import-not-found]

        return booking_main(args.rest[1:])
    if args.rest[:1] == ["vote"]:  # concurrent voters over HTTP: benchmarks/vote.py
        from benchmarks.vote import main as vote_main  # type: ignore[import-not-found]

        return vote_main(args.rest[1:])
    if args.rest[:1] == ["finance"]:  # ledger import and the execution dashboard: benchmarks/finance.py
        from benchmarks.finance import main as finance_main  # type: ignore[import-not-found]

        return finance_main(args.rest[1:])
    if args.rest[:1] == ["gis"]:  # layer import and OGC API – Features: benchmarks/gis.py
        from benchmarks.gis import main as gis_main  # type: ignore[import-not-found]

        return gis_main(args.rest[1:])
    if args.rest[:1] == ["spatial"]:  # CCTV coverage gaps, shapely against PostGIS: benchmarks/spatial.py
        from benchmarks.spatial import main as spatial_main  # type: ignore[import-not-found]

        return spatial_main(args.rest[1:])
    if args.rest[:1] == ["events"]:  # CCTV analytics events through JetStream: benchmarks/events.py
        from benchmarks.events import main as events_main  # type: ignore[import-not-found]

        return events_main(args.rest[1:])
    if args.rest[:1] == [
        "detectors"
    ]:  # VDS and DSRC ingest against the broker alone: benchmarks/detectors.py
        from benchmarks.detectors import main as detectors_main  # type: ignore[import-not-found]

        return detectors_main(args.rest[1:])
    if args.rest[:1] == ["evp"]:  # emergency-vehicle preemption in the traffic twin: benchmarks/evp.py
        from benchmarks.evp import main as evp_main  # type: ignore[import-not-found]

        return evp_main(args.rest[1:])
    if args.rest[:1] == ["shared"]:  # the shared parts per call: benchmarks/shared_parts.py
        from benchmarks.shared_parts import main as shared_main  # type: ignore[import-not-found]

        return shared_main(args.rest[1:])
    if args.rest[:1] == ["pagination"]:  # API list pages by page size: benchmarks/pagination.py
        from benchmarks.pagination import main as pagination_main  # type: ignore[import-not-found]

        return pagination_main(args.rest[1:])
    if args.rest[:1] == ["eta"]:  # bus arrival predictions on simulated days: benchmarks/eta.py
        from benchmarks.eta import main as eta_main  # type: ignore[import-not-found]

        return eta_main(args.rest[1:])
    if args.rest[:1] == ["scale"]:  # two web processes, two ingesters, one PostgreSQL: benchmarks/scale.py
        from benchmarks.scale import main as scale_main  # type: ignore[import-not-found]

        return scale_main(args.rest[1:])
    if args.rest[:1] == ["users"]:  # staff and citizens under load, with faults: benchmarks/users.py
        from benchmarks.users import main as users_main  # type: ignore[import-not-found]

        return users_main(args.rest[1:])
    if args.rest[:1] == ["noise"]:  # the noise-compensation cycle: benchmarks/noise.py
        from benchmarks.noise import main as noise_main  # type: ignore[import-not-found]

        return noise_main(args.rest[1:])
    from benchmarks.run import main as bench_main  # type: ignore[import-not-found]

    return bench_main(args.rest)


def cmd_pb(args: argparse.Namespace) -> int:
    """``cityhall pb list | export CODE -o FILE.pb | results CODE [--json]``: participation processes."""
    from cityhall.participation import selectors

    if args.action == "list":
        for process in selectors.processes():
            phase = selectors.open_phase(process)
            label = phase or "-"
            print(f"{process.code}\t{process.year}\t{label}\t{process.proposal_count}\t{process.title}")
        return 0
    process = selectors.process(args.code or "")
    if process is None:
        print(f"참여 절차가 없습니다: {args.code} ('cityhall pb list'로 코드를 확인하세요)", file=sys.stderr)
        return 1
    if args.action == "export":
        text = selectors.pabulib_export(process)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"{args.output}에 저장했습니다.")
        else:
            sys.stdout.write(text)
        return 0
    data = selectors.results_json(process)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for part in data["headings"]:
        print(
            f"[{part['heading']}] 예산 {part['budget']:,}원, 투표 {part['ballots']:,}명, "
            f"선정 {len(part['winners'])}건"
        )
        for row in part["projects"]:
            mark = "●" if row["won"] else "○"
            print(f"{mark} {row['rank']:>3} #{row['number']} {row['title']} — {row['explanation']}")


def cmd_traffic(args: argparse.Namespace) -> int:
    """``cityhall traffic import-osm FILE`` / ``export-scenario DIR``."""
    from cityhall.core.audit import Actor
    from cityhall.core.services import RecordInvalid

    if args.action == "import-osm":
        from cityhall.traffic.services import network_import_osm

        _migrate()
        try:
            network = network_import_osm(osm_file=Path(args.path), actor=Actor.system("command:traffic"))
        except RecordInvalid as exc:
            _print_errors(exc.messages)
            return 1
        print(f"도로망 '{network.name}'을(를) 만들었습니다: 신호제어기 {network.controllers.count()}개소")
        return 0
    from cityhall.traffic.twin import network as twin_network
    from cityhall.traffic.twin import scenario as twin_scenario
    from cityhall.traffic.twin.sumo import SumoError

    out = Path(args.path)
    try:
        net = twin_network.build_grid(out / "build")
        sc = twin_scenario.build(net, level=args.level, seed=args.seed)
        files = twin_scenario.export(sc, out)
    except (SumoError, ValueError) as exc:
        _print_errors([str(exc)])
        return 1
    (out / "build" / twin_network.NET_FILE).unlink(missing_ok=True)
    (out / "build").rmdir()
    print(
        f"{out}에 시나리오를 썼습니다: {', '.join(f.name for f in files)} "
        f"(모의 격자망, {args.level}, seed {args.seed})"
    )
    print(f"다시 돌리기: sumo -c {out / 'scenario.sumocfg'}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """``cityhall simulate streetlights``: the registry's lights over MQTT until Ctrl+C, SIGTERM or
    ``--duration``. The simulator runs in a thread so this one can print progress and take signals."""
    import logging
    import signal
    import threading
    import time

    from django.db import DatabaseError

    from cityhall.streetlights.choices import FaultKind
    from cityhall.streetlights.simulator import SimulatorStats, run_simulator
    from cityhall.telemetry.mqtt import broker_from_url

    try:
        broker = broker_from_url(args.url)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    problems = [
        message
        for bad, message in (
            (not args.interval > 0, f"--interval {args.interval:g}: 보고 주기는 0초보다 커야 합니다."),
            (args.initial_faults < 0, f"--initial-faults {args.initial_faults}: 0 이상이어야 합니다."),
            (not args.fault_rate >= 0, f"--fault-rate {args.fault_rate:g}: 0 이상이어야 합니다."),
            (args.duration is not None and not args.duration > 0, "--duration: 0초보다 커야 합니다."),
        )
        if bad
    ]
    if problems:
        _print_errors(problems)
        return 1

    # Fault events and connection trouble go to the console in Korean; paho's own log repeats an
    # English line at every reconnection attempt, which the simulator's warning already covers.
    logging.getLogger("cityhall.streetlights.simulator").setLevel(logging.INFO)
    logging.getLogger("paho.mqtt").setLevel(logging.CRITICAL)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stats = SimulatorStats()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            run_simulator(
                args.url,
                stop_event=stop,
                interval_s=args.interval,
                initial_faults=args.initial_faults,
                fault_rate_per_hour=args.fault_rate,
                seed=args.seed,
                stats=stats,
            )
        except BaseException as exc:  # reported by the main thread below
            failure.append(exc)
            stop.set()

    def faults() -> str:
        active = [
            f"{FaultKind(kind).label} {target}"
            for kind, target in (f.split(":", 1) for f in stats.active_faults)
        ]
        return ", ".join(active) or "없음"

    worker = threading.Thread(target=work, name="streetlight-simulator")
    worker.start()
    print(
        f"스마트가로등 모의를 시작합니다: 브로커 {broker}, 보고 주기 {args.interval:g}초, "
        f"처음 고장 {args.initial_faults}건, 고장 발생 시간당 {args.fault_rate:g}건. (끝내려면 Ctrl+C)",
        flush=True,
    )
    started = time.monotonic()
    next_report = started + 60
    while worker.is_alive():
        worker.join(timeout=0.5)
        now = time.monotonic()
        if args.duration is not None and now - started >= args.duration:
            stop.set()
        if now >= next_report and worker.is_alive():
            next_report += 60
            print(
                f"[{time.strftime('%H:%M:%S')}] 가로등 {stats.lights}대: 보고 {stats.published:,}건, "
                f"명령 {stats.commands}건(응답 {stats.acks}건), 진행 중 고장: {faults()}",
                flush=True,
            )
    if failure:
        exc = failure[0]
        if isinstance(exc, ValueError):
            print(f"모의를 시작하지 못했습니다: {exc}", file=sys.stderr)
            return 1
        if isinstance(exc, DatabaseError):
            print(
                f"가로등 대장을 읽지 못했습니다 ({exc}). 먼저 'cityhall demo --no-serve'를 실행하세요.",
                file=sys.stderr,
            )
            return 1
        raise exc
    print(
        f"모의를 마쳤습니다: {time.monotonic() - started:,.0f}초, "
        f"가로등 {stats.lights}대, 기지국 {stats.stations}개소, "
        f"보고 {stats.published:,}건(연결 끊김으로 버림 {stats.dropped:,}건), 명령 {stats.commands}건"
        f"(오류 {stats.bad_commands}건), 고장 발생 {stats.faults_injected}건·해소 {stats.faults_cleared}건."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityhall", description="기획조정실 업무 플랫폼")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="마이그레이션, 김포 2025 데이터, 데모 계정을 준비하고 서비스합니다")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="준비만 하고 끝냅니다")
    p.add_argument(
        "--no-live",
        action="store_true",
        help="가로등 실시간 운영(내장 MQTT 브로커, 수집, 모의 가로등) 없이 웹만 서비스합니다",
    )
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

    p = sub.add_parser("check", help="운영 설정이 안전한지 검사합니다 (안전하지 않으면 종료 코드 1)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="데이터베이스와 파일을 백업하고 보존 기간이 지난 백업을 지웁니다")
    p.add_argument("--dir", help="백업 폴더 (기본: CITYHALL_BACKUP_DIR)")
    p.add_argument("--no-prune", action="store_true", help="오래된 백업을 지우지 않습니다")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="백업을 빈 인스턴스에 복원하고 행 수를 대조합니다")
    p.add_argument("archive")
    p.add_argument("--replace", action="store_true", help="기록이 있는 인스턴스를 덮어씁니다")
    p.set_defaults(func=cmd_restore)

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

    p = sub.add_parser("pb", help="주민참여예산: 절차 목록, Pabulib 내보내기, 결과와 설명")
    p.add_argument("action", choices=["list", "export", "results"])
    p.add_argument("code", nargs="?", help="절차 코드 (예: pb-2024)")
    p.add_argument("-o", "--output", help="export: 저장할 .pb 파일")
    p.add_argument("--json", action="store_true", help="results: JSON으로")
    p.set_defaults(func=cmd_pb)
    p = sub.add_parser("traffic", help="교통 디지털트윈: OSM 도로망 가져오기, 시나리오 내보내기")
    p.add_argument("action", choices=["import-osm", "export-scenario"])
    p.add_argument("path", help="import-osm: OSM 파일, export-scenario: 쓸 폴더")
    p.add_argument("--level", default="peak", choices=["off_peak", "peak"])
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_traffic)

    p = sub.add_parser("simulate", help="현장 장치를 MQTT로 모의합니다 (데이터에 '모의' 표시)")
    p.add_argument("system", choices=["streetlights"], help="모의할 시스템 (streetlights: 스마트가로등)")
    p.add_argument(
        "--url",
        help="브로커 주소 mqtt://[사용자:비밀번호@]host:port[?protocol=3.1.1] (기본: CITYHALL_MQTT_URL)",
    )
    p.add_argument("--interval", type=float, default=10.0, help="가로등마다 보고하는 주기(초, 기본 10)")
    p.add_argument("--initial-faults", type=int, default=3, help="시작하자마자 넣는 고장 수 (기본 3)")
    p.add_argument("--fault-rate", type=float, default=4.0, help="시간당 새로 생기는 고장 수 (전체, 기본 4)")
    p.add_argument("--seed", type=int, help="난수 시드 (같은 시드면 같은 고장)")
    p.add_argument("--duration", type=float, help="이 시간(초)이 지나면 끝냅니다 (기본: Ctrl+C까지)")
    p.set_defaults(func=cmd_simulate)
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
