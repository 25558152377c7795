from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "cityhall.committees"
    label = "committees"
    verbose_name = "위원회"
