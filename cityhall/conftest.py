"""Shared fixtures: the Gimpo 2025 dataset is loaded once per test session (through the real import),
and each test runs in a transaction that is rolled back."""

import os

import pytest
from django.contrib.auth import get_user_model

from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.transfer import database_is_empty, import_document, read_dataset
from cityhall.organisation import roles as role_memory
from cityhall.organisation.models import OrgUnit, Role, RoleAssignment

DATASET = "gimpo-2025"
_test_database = {"ready": False}  # set once the session's test database holds the dataset


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (.ci/run does)")


def pytest_collection_modifyitems(config, items):
    """Slow tests (simulations, load) run in CI and on request; the default run stays quick."""
    if config.getoption("--slow") or os.environ.get("CITYHALL_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with --slow or CITYHALL_RUN_SLOW=1 (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_document(read_dataset(DATASET), actor=Actor.system("test:setup"))
    _test_database["ready"] = True


def _flushes_the_database(item) -> bool:
    """A transactional test (live server, real threads) ends with every table flushed."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, load the dataset again: whichever test runs next in this
    process (in any order, in any worker) finds the database as the session set it up."""
    yield
    if not (_test_database["ready"] and _flushes_the_database(item)):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        if database_is_empty():
            import_document(read_dataset(DATASET), actor=Actor.system("test:setup"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test accounts need no costly hashing; production keeps Django's default hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_the_call(settings):
    """Tests see a task's effect at once (the immediate backend); the queue's own tests switch to the
    database backend and run the worker themselves."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _roles_read_afresh():
    """Each test starts with no memory of users without a role: one kept from an earlier test (its
    rows rolled back) would change what the test sees and the queries it counts."""
    role_memory.clear()


@pytest.fixture(autouse=True)
def _korean_after_each_test():
    """A request in English leaves English active in the thread; the next test starts in Korean."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def empty_db(db):
    """The test database with the plan removed (inside the test's transaction)."""
    from cityhall.core.models import AuditEvent
    from cityhall.plans.models import PlanDocument

    for rtype in reversed(list(REGISTRY.values())):
        model = rtype.model
        # Self-references first, so PROTECT does not stop the delete.
        for field in model._meta.fields:
            if field.is_relation and field.related_model is model and field.null:
                model._default_manager.update(**{field.name: None})
        model._default_manager.all().delete()
    PlanDocument.objects.all().delete()
    AuditEvent.objects.all().delete()


@pytest.fixture
def make_user(db):
    """make_user("name", role, department_code): a user with that role (no department = office-wide)."""

    def make(username: str, role: str | None = None, department: str | None = None):
        user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
        if role:
            unit = OrgUnit.objects.get(code=department) if department else None
            RoleAssignment.objects.create(user=user, role=role, department=unit)
        return user

    return make


@pytest.fixture
def roles(make_user):
    """One user per interesting role, around the smart-city department."""
    return {
        "norole": make_user("norole"),
        "viewer": make_user("sc-viewer", Role.VIEWER, "smart-city"),
        "editor": make_user("sc-editor", Role.EDITOR, "smart-city"),
        "manager": make_user("sc-manager", Role.MANAGER, "smart-city"),
        "other_editor": make_user("pp-editor", Role.EDITOR, "policy-planning"),
        "director": make_user("the-director", Role.DIRECTOR),
        "admin": make_user("the-admin", Role.ADMINISTRATOR),
    }


def pytest_sessionfinish(session, exitstatus):
    """In CI (CITYHALL_REQUIRE_SERVICES=1) a test skipped for a missing service or browser fails the run."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1" and skipped:
        for report in skipped:
            reporter.write_line(f"REQUIRED BUT SKIPPED: {report.nodeid}: {report.longrepr}", red=True)
        session.exitstatus = 1
