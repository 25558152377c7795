from django.urls import path

from . import two_factor, views

app_name = "core"
urlpatterns = [
    path("records/", views.record_index, name="records"),
    path("records/<slug:type_slug>/", views.record_list, name="record_list"),
    path("records/<slug:type_slug>/new/", views.record_edit, name="record_new"),
    path("records/<slug:type_slug>/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<slug:type_slug>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<slug:type_slug>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("records/<slug:type_slug>/<int:pk>/history/", views.record_history, name="record_history"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
]
