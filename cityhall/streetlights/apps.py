from django.apps import AppConfig


class StreetlightsConfig(AppConfig):
    name = "cityhall.streetlights"
    label = "streetlights"
    verbose_name = "스마트가로등"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav
        from cityhall.gis.collections import register_collection
        from cityhall.telemetry import devices, rollups

        from .choices import AUDIT_COMMAND, AUDIT_COMMAND_LABEL
        from .energy.daily import refresh_days
        from .operations import api as operations_api
        from .registry import api as registry_api
        from .registry import features as registry_features
        from .registry.selectors import known_device_ids, light_gateways
        from .repairs import api as repairs_api

        register_audit_action(AUDIT_COMMAND, AUDIT_COMMAND_LABEL)
        rollups.on_days_saved(refresh_days)  # the energy report's per-site daily totals
        devices.register_registry(known=known_device_ids, device_gateways=light_gateways)
        api.mount("/streetlights", registry_api.router)  # NGSI-LD
        api.mount("/streetlights", operations_api.router)  # live state and commands
        api.mount("/streetlights/repairs", repairs_api.router)
        # The shared map and OGC API – Features (gis) show the registry.
        register_collection(
            "streetlight-sites",
            title=_("스마트가로등 설치 지역"),
            description=_(
                "스마트가로등 설치 지역(가로등·기지국 수). 좌표가 대장에 없으면 대략적인 위치입니다."
            ),
            features=registry_features.site_features,
            app="streetlights",
        )
        register_collection(
            "streetlights",
            title=_("스마트가로등"),
            description=_("운영 중인 스마트가로등. 개별 좌표가 없어 설치 지역의 위치로 나타냅니다."),
            features=registry_features.light_features,
            app="streetlights",
        )
        register_nav("smart", _("스마트가로등"), "/streetlights/", order=10)
