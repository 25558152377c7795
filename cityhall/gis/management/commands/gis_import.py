"""``cityhall manage gis_import FILE --code CODE``: import a spatial file into a layer from the shell
(large files, scheduled refreshes). The same service as the page: all or nothing, audited as the
command."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.gis.models import LayerKind
from cityhall.gis.services import layer_import


class Command(BaseCommand):
    help = "공간정보 파일(GeoJSON, GeoPackage, Shapefile ZIP)을 레이어로 가져옵니다 (전부 또는 전무)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--code", required=True, help="레이어 코드 (있으면 객체를 모두 바꿈)")
        parser.add_argument("--title", default="")
        parser.add_argument("--kind", default=LayerKind.OTHER, choices=LayerKind.values)
        parser.add_argument("--source", default="")
        parser.add_argument("--crs", type=int, default=None, help="원본 좌표계 EPSG 코드 (.prj가 없을 때)")
        parser.add_argument("--encoding", default="", choices=["", "cp949", "utf-8"])
        parser.add_argument("--layer", default="", help="GeoPackage 레이어 이름")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"파일이 없습니다: {path}")
        try:
            result = layer_import(
                code=options["code"],
                upload=path.read_bytes(),
                filename=path.name,
                metadata={
                    "title": options["title"] or options["code"],
                    "kind": options["kind"],
                    "source": options["source"] or path.name,
                },
                crs=options["crs"],
                encoding=options["encoding"],
                gpkg_layer=options["layer"],
                actor=Actor.system("command:gis_import"),
            )
        except RecordInvalid as exc:
            raise CommandError("가져오지 못했습니다:\n" + "\n".join(exc.messages)) from None
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(
            f"{result.layer.code}: 객체 {result.features:,}개를 가져왔습니다 "
            f"(바뀐 객체 {result.replaced:,}개)."
        )
