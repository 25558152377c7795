from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "cityhall.budget"
    label = "budget"
    verbose_name = "예산"

    def ready(self) -> None:
        from cityhall.plans.checks import register_rule

        from .checks import check_programs

        register_rule(check_programs)
