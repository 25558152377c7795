from django.urls import path

from . import views
from .destruction import views as destruction
from .education import views as education
from .inspections import views as inspections
from .security import views as security

app_name = "it"
PROJECT = "it/projects/<slug:code>"

urlpatterns = [
    path("it/", views.overview, name="overview"),
    path("it/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("it/report.hwpx", views.report_hwpx, name="report_hwpx"),
    path(f"{PROJECT}/", views.project_detail, name="project"),
    path(f"{PROJECT}/advance/", views.project_advance, name="advance"),
    path(f"{PROJECT}/reviews/", views.review_request, name="review_request"),
    path(f"{PROJECT}/reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
    path("it/inspections/", inspections.inspection_list, name="inspections"),
    path("it/inspections/<str:code>/", inspections.inspection_detail, name="inspection"),
    path("it/inspections/<str:code>/step/", inspections.inspection_step, name="inspection_step"),
    path(
        "it/inspections/<str:code>/reinspect/",
        inspections.inspection_reinspect,
        name="inspection_reinspect",
    ),
    path("it/education/", education.education_overview, name="education"),
    path("it/education/sessions/<slug:code>/", education.session_detail, name="session"),
    path(
        "it/education/sessions/<slug:code>/enrolments/<int:enrolment_id>/<slug:action>/",
        education.enrolment_action,
        name="enrolment_action",
    ),
    path("public/classes/", education.classes_public, name="classes"),
    path("public/classes/<slug:code>/enrol/", education.classes_enrol, name="enrol"),
    path("it/destruction/", destruction.destruction_list, name="destructions"),
    path("it/destruction/<str:code>/", destruction.destruction_detail, name="destruction"),
    path(
        "it/destruction/<str:code>/certificate.pdf",
        destruction.destruction_certificate,
        name="destruction_pdf",
    ),
    path(
        "it/destruction/<str:code>/<slug:action>/", destruction.destruction_action, name="destruction_action"
    ),
    path("public/media-destruction/", destruction.apply, name="destruction_apply"),
    path(
        "public/media-destruction/certificates/<str:certificate>.pdf",
        destruction.public_certificate,
        name="destruction_certificate",
    ),
    path("it/security/", security.security, name="security"),
    path("it/security/findings/<str:code>/<slug:action>/", security.finding_action, name="finding_action"),
]
