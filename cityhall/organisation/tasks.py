"""The office summary report (일반현황, XLSX or HWPX) made on the task queue (ADR 0026): the page
enqueues it and follows the run; the file is kept with the run for whom asked for it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cityhall.core.exports import HWPX, XLSX, workbook
from cityhall.jobs.queue import job
from cityhall.jobs.runs import Outcome, Output, RunFailed, execute

from . import reports, selectors

FORMATS = ("xlsx", "hwpx")


def summary_report_work(run, upload: Output | None) -> Outcome:
    fmt = run.params.get("format")
    if fmt not in FORMATS:
        raise RunFailed(_("알 수 없는 보고서 형식입니다: %(f)s") % {"f": str(fmt)[:20]})
    summary = selectors.office_summary()
    if fmt == "xlsx":
        output = Output(str(_("기획조정실 일반현황.xlsx")), XLSX, workbook(reports.summary_sheets(summary)))
    else:
        output = Output(str(_("기획조정실 일반현황.hwpx")), HWPX, reports.summary_hwpx_bytes(summary))
    return Outcome(
        result={"message": _("보고서를 만들었습니다 (%(n)s바이트).") % {"n": f"{len(output.data):,}"}},
        output=output,
    )


@job(retries=2, backoff_s=10)
def summary_report_run(run_id: int) -> dict:
    """Make the office summary for run ``run_id`` (read-only, so a retry is harmless)."""
    return execute(run_id, summary_report_work)
