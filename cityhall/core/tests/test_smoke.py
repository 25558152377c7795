from cityhall.budget.models import Program


def test_dataset_is_loaded(db):
    assert Program.objects.filter(code="smart-city-p1").get().budget == 18_054_000
