"""Legal record types. Revisions and their versions change only through the pipeline services
(``services.revision_*``), so their generic pages only read them; cases and council requests are kept on
the generic pages under the app's rules, read by their department and the legal team only. Answer
attachments are files, not records: their upload is audited on the request they answer."""

from cityhall.core.records import register

from . import council, services
from .models import (
    Bill,
    BillTransition,
    BulkRevision,
    Case,
    CaseEvent,
    Consultation,
    CouncilSession,
    DataRequest,
    Regulation,
    RegulationVersion,
    Revision,
    RevisionTransition,
)

register(
    "regulations",
    Regulation,
    owner="department",
    search=("code", "title"),
    filters=("kind", "department", "repealed", "sample"),
    columns=("title", "kind", "department", "repealed"),
    managed_at="legal:regulations",
)
register(
    "regulation_versions", RegulationVersion, owner="regulation__department", managed_at="legal:regulations"
)
register("bulk_revisions", BulkRevision, owner=None, search=("title", "phrase"), managed_at="legal:bulk_new")
register(
    "revisions",
    Revision,
    owner="department",
    search=("code", "title"),
    filters=("kind", "stage", "year", "department", "sample"),
    columns=("title", "kind", "stage", "department", "year"),
    managed_at="legal:revisions",
    rules=services.revision_rules,
)
register("revision_transitions", RevisionTransition, owner=None, managed_at="legal:revisions")
register(
    "council_sessions",
    CouncilSession,
    owner=None,
    filters=("kind",),
    columns=("number", "kind", "starts_on", "ends_on"),
    rules=council.council_session_rules,
)
register(
    "data_requests",
    DataRequest,
    owner="department",
    search=("code", "subject", "member"),
    filters=("kind", "status", "department", "session", "sample"),
    columns=("subject", "kind", "member", "department", "due_on", "status"),
    rules=services.data_request_rules,
    readers=services.LEGAL_STAFF,
)
register(
    "bills",
    Bill,
    owner="department",
    search=("code", "title"),
    filters=("kind", "stage", "session", "department"),
    columns=("title", "kind", "session", "department", "stage"),
    rules=council.bill_rules,
)
register("bill_transitions", BillTransition, owner=None, managed_at="legal:council")
register(
    "cases",
    Case,
    owner="department",
    search=("code", "title", "case_number"),
    filters=("kind", "status", "year", "department", "sample"),
    personal=("opponent",),
    columns=("title", "kind", "case_number", "department", "received_on", "status"),
    rules=services.case_rules,
    readers=services.LEGAL_STAFF,
)
register(
    "case_events",
    CaseEvent,
    owner="case__department",
    filters=("kind",),
    readers=services.LEGAL_STAFF,
)
register(
    "consultations",
    Consultation,
    owner=None,
    filters=("status", "topic", "eligibility", "sample"),
    personal=("name", "phone", "email"),
    columns=("code", "day", "lawyer", "status", "topic"),
    managed_at="legal:consultations",
    readers=services.LEGAL_STAFF,
)
