from django.urls import path

from . import views
from .consultations import views as consultation_views

app_name = "legal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("regulations/", views.regulation_list, name="regulations"),
    path("regulations/<slug:code>/", views.regulation_detail, name="regulation"),
    path("bulk/new/", views.bulk_new, name="bulk_new"),
    path("bulk/<slug:code>/", views.bulk_detail, name="bulk"),
    path("revisions/", views.revision_list, name="revisions"),
    path("revisions/<slug:code>/", views.revision_detail, name="revision"),
    path("revisions/<slug:code>/comparison.xlsx", views.comparison_xlsx, name="comparison_xlsx"),
    path("revisions/<slug:code>/comparison.hwpx", views.comparison_hwpx, name="comparison_hwpx"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("council/", views.council_calendar, name="council"),
    path("council/<slug:code>/", views.council_session, name="council_session"),
    path("bills/<slug:code>/", views.bill_detail, name="bill"),
    path("cases/", views.case_list, name="cases"),
    path("cases/export.xlsx", views.cases_xlsx, name="cases_xlsx"),
    path("cases/<slug:code>/", views.case_detail, name="case"),
    path("consultations/", consultation_views.staff_list, name="consultations"),
    path("consultations/purge/", consultation_views.staff_purge, name="consultations_purge"),
    path("consultations/<str:code>/", consultation_views.staff_detail, name="consultation"),
]
