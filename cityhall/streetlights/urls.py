from django.urls import path  # noqa: F401

app_name = "streetlights"

urlpatterns = []

# Live operations (operations/views.py)
from .operations import views as live  # noqa: E402

urlpatterns += [
    path("", live.overview, name="live"),
    path("live/panel/", live.overview_panel, name="live_panel"),
    path("live/map.json", live.live_map, name="live_map"),
    path("sites/<str:code>/", live.site_detail, name="site"),
    path("sites/<str:code>/panel/", live.site_panel, name="site_panel"),
    path("sites/<str:code>/commands/", live.site_commands_panel, name="site_commands_panel"),
    path("sites/<str:code>/command/", live.site_command, name="site_command"),
    path("sites/<str:code>/schedule/", live.site_schedule, name="site_schedule"),
    path("lights/<str:code>/", live.light_detail, name="light"),
]

# Repair orders (repairs/views.py)
from .repairs import views as repairs  # noqa: E402

urlpatterns += [
    path("repairs/", repairs.repair_list, name="repairs"),
    path("repairs/new/", repairs.repair_new, name="repair_new"),
    path("repairs/export.xlsx", repairs.repair_export, name="repair_export"),
    path("repairs/<str:number>/", repairs.repair_detail, name="repair"),
    path("repairs/<str:number>/assign/", repairs.repair_assign, name="repair_assign"),
    path("repairs/<str:number>/close/", repairs.repair_close, name="repair_close"),
    path("repairs/<str:number>/reopen/", repairs.repair_reopen, name="repair_reopen"),
]

# Energy report (energy/views.py)
from .energy import views as energy  # noqa: E402

urlpatterns += [
    path("energy/", energy.energy_report, name="energy"),
    path("energy.xlsx", energy.energy_xlsx, name="energy_xlsx"),
]
