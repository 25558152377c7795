"""Reminders the legal app sends through the shared ``notifications.notify()`` (kind "reminders", so each
person's preferences apply), run daily by ``cityhall manage legal_remind``:

- a council data request still open within ``REQUEST_REMINDER_DAYS`` of its due date (or past it) →
  the responsible department's editors and managers, once per due date;
- a case whose next deadline is within the warning window (``LegalDeadline.warning``, 7 days) or
  passed → the case's department and the legal team, once per deadline.

Each sends once: the due date it was sent for is stored on the row (``reminded_due``/``warned_due``), so
running the command twice a day sends nothing new, and a moved due date is reminded again."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor

from . import selectors
from .models import Case, DataRequest

REQUEST_REMINDER_DAYS = 3  # 제출기한 3일 전부터 (기한이 지난 요구자료도 한 번 알림)
RECIPIENT_ROLES = ("editor", "manager")


def _recipients(*department_codes: str) -> list:
    from cityhall.organisation.selectors import department_users

    seen, out = set(), []
    for code in department_codes:
        for user in department_users(code, RECIPIENT_ROLES):
            if user.email and user.pk not in seen:
                seen.add(user.pk)
                out.append(user)
    return out


def _send(users: list, title: str, detail: str, actor: Actor) -> int:
    from cityhall.notifications import services as notifications

    sent = 0
    for user in users:
        sent += len(
            notifications.notify(
                template="general/notice",
                context={
                    "name": user.get_full_name() or user.get_username(),
                    "title": title,
                    "detail": detail,
                },
                kind="reminders",
                user=user,
                actor=actor,
            )
        )
    return sent


def data_request_reminders_send(*, today: date, actor: Actor) -> int:
    """Remind departments of open council requests due within ``REQUEST_REMINDER_DAYS`` days (or
    overdue). Returns how many notifications were written."""
    sent = 0
    due = DataRequest.objects.filter(
        status=DataRequest.Status.OPEN, due_on__lte=today + timedelta(days=REQUEST_REMINDER_DAYS)
    ).select_related("department", "session")
    for request in due:
        if request.reminded_due == request.due_on:
            continue
        users = _recipients(request.department.code)
        if not users:
            continue
        days_left = (request.due_on - today).days
        when = (
            _("%(n)d일 지났습니다") % {"n": -days_left}
            if days_left < 0
            else (_("오늘입니다") if days_left == 0 else _("%(n)d일 남았습니다") % {"n": days_left})
        )
        with transaction.atomic():
            # Two runs at once: the second waits here and then sees the reminder already sent.
            locked = DataRequest.objects.select_for_update().get(pk=request.pk)
            if locked.reminded_due == locked.due_on:
                continue
            sent += _send(
                users,
                _("의회 요구자료 제출기한 %(due)s: %(subject)s")
                % {"due": request.due_on, "subject": request.subject},
                _(
                    "%(kind)s (%(member)s, %(session)s)의 제출기한이 %(when)s. "
                    "답변과 첨부파일을 제출해 주세요."
                )
                % {
                    "kind": request.get_kind_display(),
                    "member": request.member,
                    "session": request.session or "-",
                    "when": when,
                },
                actor,
            )
            DataRequest.objects.filter(pk=request.pk).update(reminded_due=request.due_on)
    return sent


def case_deadline_warnings_send(*, today: date, actor: Actor) -> int:
    """Warn of open cases whose nearest deadline is within the warning window or has passed, naming the
    rule and its law. Returns how many notifications were written."""
    from .services import LEGAL_DEPARTMENT

    sent = 0
    for case in Case.objects.filter(status=Case.Status.OPEN).select_related("department"):
        found = selectors.case_deadlines(case, today=today)
        if not found:
            continue
        deadline = found[0]
        if not (deadline.warning or deadline.overdue) or case.warned_due == deadline.due:
            continue
        users = _recipients(case.department.code, LEGAL_DEPARTMENT)
        if not users:
            continue
        with transaction.atomic():
            if Case.objects.select_for_update().get(pk=case.pk).warned_due == deadline.due:
                continue
            sent += _send(
                users,
                _("법무 사건 기한 %(due)s: %(title)s") % {"due": deadline.due, "title": case},
                _("%(rule)s (%(source)s): %(start)s부터 세어 %(due)s까지입니다 (%(left)s).")
                % {
                    "rule": deadline.label,
                    "source": deadline.rule.source,
                    "start": deadline.start,
                    "due": deadline.due,
                    "left": _("%(n)d일 지남") % {"n": deadline.days_over}
                    if deadline.overdue
                    else _("%(n)d일 남음") % {"n": deadline.days_left},
                },
                actor,
            )
            Case.objects.filter(pk=case.pk).update(warned_due=deadline.due)
    return sent
