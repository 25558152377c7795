"""The layer import on the task queue: the page answers at once with the run's page, a worker imports
(all or nothing), the run page shows the state and the outcome, a bad file is a failed run listed on
/jobs/failed/, and a second delivery of the task does nothing."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityhall.gis import tasks
from cityhall.gis.models import Feature, Layer
from cityhall.jobs.models import JobFailure, JobRun, JobRunFile
from cityhall.jobs.queue import run_due
from cityhall.jobs.runs import execute

from . import files


@pytest.fixture
def on_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _post(client, data: bytes, code="queued-roads"):
    return client.post(
        "/gis/import/",
        {"file": SimpleUploadedFile("roads.zip", data), "code": code, "kind": "road", "title": "대기열 도로"},
    )


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_import_runs_on_the_queue_and_the_page_follows_it(client, roles, on_database):
    client.force_login(roles["editor"])
    geoms, names = files.roads_in(5186)
    response = _post(client, files.shapefile_zip(geoms, names, epsg=5186))
    run = JobRun.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/runs/{run.pk}/"
    assert (run.state, run.kind, run.user) == ("queued", "gis.layer_import", roles["editor"])
    assert JobRunFile.objects.filter(run=run, role="upload").count() == 1
    assert not Layer.objects.filter(code="queued-roads").exists()  # nothing until a worker runs it
    page = client.get(response.url)
    assert "상태: 대기" in _text(page) and 'hx-trigger="every 2s"' in _text(page)

    assert run_due() == 1
    run.refresh_from_db()
    assert run.state == "done" and run.result["features"] == len(geoms)
    assert Feature.objects.filter(layer__code="queued-roads").count() == len(geoms)
    assert not JobRunFile.objects.filter(run=run).exists()  # the upload is not kept
    page = _text(client.get(response.url))
    assert "상태: 완료" in page and 'href="/gis/layers/queued-roads/"' in page
    assert f"객체 {len(geoms)}개를 가져왔습니다" in page and "every 2s" not in page
    # The polling request gets the part only.
    part = client.get(response.url, headers={"HX-Request": "true"})
    assert _text(part).startswith('<section id="run-state"')
    # A second delivery of the same task does nothing.
    assert execute(run.pk, tasks.layer_import_work) == {"skipped": run.pk}
    assert Feature.objects.filter(layer__code="queued-roads").count() == len(geoms)


def test_a_bad_file_is_a_failed_run_on_the_failed_tasks_page(client, roles, on_database):
    client.force_login(roles["editor"])
    geoms, names = files.roads_in(5186)
    before = (Layer.objects.count(), Feature.objects.count())
    response = _post(client, files.shapefile_zip(geoms, names, epsg=5179))  # wrong CRS
    assert run_due() == 1
    run = JobRun.objects.get()
    assert run.state == "failed"
    assert "대한민국 범위(경도 124~132, 위도 33~39) 밖입니다" in run.error
    assert (Layer.objects.count(), Feature.objects.count()) == before  # all or nothing
    page = _text(client.get(response.url))
    assert "상태: 실패" in page and "실패했습니다. 아무것도 저장하지 않았습니다." in page
    assert 'href="/gis/import/"' in page  # back to the form
    failure = JobFailure.objects.get()
    assert failure.task_path == "cityhall.gis.tasks.layer_import_run" and failure.attempts == 1
    assert failure.args == {"args": [], "kwargs": {"run_id": run.pk}}
    assert "대한민국 범위" in failure.error
    client.force_login(roles["admin"])
    assert "cityhall.gis.tasks.layer_import_run" in _text(client.get("/jobs/failed/"))


def test_a_run_is_shown_to_whom_started_it_and_the_office_wide_roles(client, roles, on_database):
    client.force_login(roles["editor"])
    geoms, names = files.roads_in(5186)
    url = _post(client, files.shapefile_zip(geoms, names, epsg=5186)).url
    client.force_login(roles["manager"])
    assert client.get(url).status_code == 403
    client.force_login(roles["director"])
    assert client.get(url).status_code == 200
    assert client.get("/jobs/runs/999999/").status_code == 404
    assert client.get(f"{url}download/").status_code == 404  # an import makes no file
