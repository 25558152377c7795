"""The 2024 sample's Pabulib export recomputes to the same winners with an independent
implementation (pabutools: greedy and the Method of Equal Shares, cost satisfaction)."""

import pytest

from cityhall.participation import counting, selectors, services
from cityhall.participation.pabulib import project_id

pabutools = pytest.importorskip("pabutools", reason="pabutools is not installed (pip install -e '.[test]')")
from pabutools.election import Cost_Sat  # noqa: E402
from pabutools.election.pabulib import parse_pabulib_from_string  # noqa: E402
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def export():
    services.participation_load_sample()
    process = selectors.process("pb-2024")
    return process, selectors.pabulib_export(process)


def test_greedy_winners_recomputed_from_the_export(export):
    process, text = export
    instance, profile = parse_pabulib_from_string(text)
    assert (len(instance), len(profile), instance.budget_limit) == (124, 2400, 1_545_150_000)
    independent = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    ours = selectors.results_json(process)["headings"][0]["winners"]
    assert sorted(p.name for p in independent) == sorted(project_id(n) for n in ours)
    assert len(ours) == 36 and sum(p.cost for p in independent) == 1_545_150_000


def test_equal_shares_agrees_with_pabutools_on_the_same_export(export):
    _, text = export
    instance, profile = parse_pabulib_from_string(text)
    independent = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    ballots = [[int(p.name) for p in ballot] for ballot in profile]
    votes = {int(p.name): 0 for p in instance}
    for ballot in ballots:
        for n in ballot:
            votes[n] += 1
    projects = [counting.Project(int(p.name), int(p.cost), votes[int(p.name)]) for p in instance]
    ours = counting.equal_shares(projects, int(instance.budget_limit), ballots)
    assert sorted(ours.winners) == sorted(int(p.name) for p in independent)
    assert 0 < len(ours.winners) < 36  # equal shares funds fewer, bigger-support projects here


def test_export_carries_no_voter_data(export):
    _, text = export
    votes = text.split("VOTES\n", 1)[1].splitlines()
    assert votes[0] == "voter_id;vote"
    assert [line.split(";")[0] for line in votes[1:4]] == ["1", "2", "3"]
    assert "SAMPLE2024" not in text and "first_voted_at" not in text
