from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "cityhall.budget"
    label = "budget"
    verbose_name = "예산"
