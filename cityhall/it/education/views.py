"""디지털 역량강화교육 pages: the public class list where citizens enrol (no account needed), the
staff overview with the year's statistics and the session form, and a session's roster where staff
record attendance and completion. Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid
from cityhall.core.throttle import over_limit

from ..forms import EnrolForm, SessionOpenForm
from ..models import CourseSession, Enrolment
from ..writes import IT_STAFF
from . import selectors, services

PUBLIC_LIMIT, PUBLIC_WINDOW = 20, 600  # enrolments per address
YEAR = params.Int(label=gettext_lazy("연도"), default=None, min=2000, max=2100)


def _public_page(request, *, forms=None, status=200, throttled=False):
    sessions = selectors.open_sessions(clock.today())
    forms = forms or {}
    return render(
        request,
        "it/classes_public.html",
        {
            "throttled": throttled,
            "sessions": [
                (s, forms.get(s.session.pk) or EnrolForm(prefix=f"s{s.session.pk}")) for s in sessions
            ],
        },
        status=status,
    )


@require_GET
def classes_public(request):
    return _public_page(request)


@require_POST
def classes_enrol(request, code):
    """A citizen enrols; the answer says whether they have a seat or their place in the waiting list."""
    session = get_object_or_404(CourseSession.objects.select_related("course", "venue"), code=code)
    form = EnrolForm(request.POST, prefix=f"s{session.pk}")
    if over_limit(request, "it:enrol", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW):
        return _public_page(request, forms={session.pk: form}, status=429, throttled=True)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
        try:
            enrolment = services.enrol(session=session, actor=Actor.system("public:enrol"), **data)
        except RecordInvalid as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            return render(
                request, "it/classes_enrolled.html", {"enrolment": enrolment, "booking": enrolment.booking}
            )
    return _public_page(request, forms={session.pk: form}, status=400)


@require_http_methods(["GET", "POST"])
@role_required
@params.page(year=YEAR)
def education_overview(request):
    staff = has_permission(request.user, IT_STAFF)
    form = SessionOpenForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("교육 일정은 정보통신과만 열 수 있습니다."))
        if form.is_valid():
            try:
                session = services.session_open(**form.cleaned_data, actor=Actor.for_user(request.user))
            except RecordInvalid as exc:
                error = str(exc)
            else:
                messages.success(request, _("교육 일정 %(code)s을(를) 열었습니다.") % {"code": session.code})
                return redirect("it:session", code=session.code)
    year = request.query.year or clock.today().year - 1
    stats = selectors.statistics(year)
    return render(
        request,
        "it/education.html",
        {
            "stats": stats,
            "stated": {name: selectors.stated(stats, name) for name in selectors.FIGURES},
            "open": selectors.open_sessions(clock.today()),
            "staff": staff,
            "form": form,
            "error": error,
        },
        status=400 if error or form.errors else 200,
    )


@require_GET
@role_required
def session_detail(request, code):
    session = get_object_or_404(CourseSession.objects.select_related("course", "venue"), code=code)
    staff = has_permission(request.user, IT_STAFF)
    return render(
        request,
        "it/session.html",
        {
            "session": session,
            "roster": selectors.roster(session),
            "staff": staff,
            "started": session.starts_on <= clock.today(),
        },
    )


ACTIONS = {
    "attended": lambda e, actor: services.enrolment_attend(enrolment=e, attended=True, actor=actor),
    "absent": lambda e, actor: services.enrolment_attend(enrolment=e, attended=False, actor=actor),
    "complete": lambda e, actor: services.enrolment_complete(enrolment=e, actor=actor),
    "cancel": lambda e, actor: services.enrolment_cancel(enrolment=e, actor=actor, reason=_("신청인 요청")),
}


@require_POST
@role_required
def enrolment_action(request, code, enrolment_id, action):
    enrolment = get_object_or_404(Enrolment, pk=enrolment_id, session__code=code)
    if action not in ACTIONS:
        return redirect("it:session", code=code)
    try:
        ACTIONS[action](enrolment, Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("기록했습니다."))
    return redirect("it:session", code=code)
