"""Signal plans and controllers through the shared record machinery: the permission matrix, and the
plan rules that the generic API cannot bypass."""

from cityhall.core.tests.record_matrix import API, api_update, assert_refused_changes_nothing, client_for
from cityhall.traffic.models import SignalController, SignalPlan


def test_refused_roles_change_nothing(network, roles):
    plan = SignalPlan.objects.get(controller__tls_id="C2")
    assert_refused_changes_nothing(roles, "signal_plans", plan, {"offset_s": 5})
    controller = SignalController.objects.get(tls_id="C2")
    assert_refused_changes_nothing(roles, "signal_controllers", controller, {"online": False})


def test_generic_api_runs_the_plan_rules(network, roles):
    plan = SignalPlan.objects.get(controller__tls_id="C2")
    res = api_update(roles, "editor", "signal_plans", plan, {"offset_s": 90})
    assert res.status_code == 422
    assert res.json()["detail"] == [
        {
            "loc": ["body", "offset_s"],
            "msg": "옵셋 90초는 0 이상, 주기 90초 미만이어야 합니다.",
            "type": "value_error",
        }
    ]
    res = api_update(roles, "editor", "signal_plans", plan, {"offset_s": 12})
    assert res.status_code == 200
    plan.refresh_from_db()
    assert plan.offset_s == 12


def test_controllers_are_listed_for_any_role(network, roles):
    res = client_for(roles["viewer"]).get(f"{API}/signal-controllers/", {"limit": 100})
    assert res.json()["count"] == 36
