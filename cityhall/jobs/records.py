from cityhall.core.records import register

from .models import JobFailure, JobRun, ScheduleSlot

# They change only through the queue and the failed-tasks page; the generic pages list them, to the
# office-wide roles only: task arguments, errors and runs may name any department's records and people.
OFFICE_WIDE = "jobs_office_wide"

register(
    "job_failures",
    JobFailure,
    owner=None,
    search=("task_path", "error"),
    filters=("status",),
    columns=("task_path", "attempts", "error", "status", "failed_at", "resolved_by"),
    managed_at="jobs:failed",
    readers=OFFICE_WIDE,
)
register(
    "job_schedule_slots",
    ScheduleSlot,
    owner=None,
    search=("name",),
    columns=("name", "slot", "result_id"),
    managed_at="jobs:failed",
    readers=OFFICE_WIDE,
)
register(
    "job_runs",
    JobRun,
    owner=None,
    search=("label", "kind"),
    filters=("state", "kind"),
    columns=("label", "state", "created_at", "finished_at"),
    managed_at="jobs:failed",
    readers=OFFICE_WIDE,
)
