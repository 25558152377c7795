from django.urls import path

from . import views

app_name = "pledges"
ROUND = "pledges/rounds/<int:pk>"

urlpatterns = [
    path("pledges/", views.pledge_list, name="list"),
    path("pledges/import/", views.pledge_import, name="import"),
    path("pledges/rounds/", views.round_list, name="rounds"),
    path(f"{ROUND}/", views.round_detail, name="round"),
    path(f"{ROUND}/departments/<slug:code>/", views.department_checkins, name="department"),
    path(f"{ROUND}/pledges/<int:pledge_pk>/submit/", views.checkin_submit, name="submit"),
    path(f"{ROUND}/review/", views.review, name="review"),
    path(f"{ROUND}/checkins/<int:checkin_pk>/review/", views.checkin_review, name="checkin_review"),
    path(f"{ROUND}/close/", views.round_close, name="close"),
    path(f"{ROUND}/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path(f"{ROUND}/report.hwpx", views.report_hwpx, name="report_hwpx"),
    path("pledges/<slug:code>/", views.pledge_detail, name="pledge"),
    path("public/pledges/", views.public_pledges, name="public"),
]
