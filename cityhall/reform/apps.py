from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "cityhall.reform"
    label = "reform"
    verbose_name = "규제혁신·적극행정"
