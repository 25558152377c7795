"""정보통신과 record types. Reviews are written only through the review services (정보통신과 decides
them and they move the gates), so their generic pages are read-only; a project's phase may be edited
anywhere, but ``project_rules`` holds it to the gates."""

from cityhall.core.records import register

from .models import (
    Asset,
    Course,
    CourseSession,
    DependenceCampaign,
    DestructionItem,
    EducationVenue,
    Enrolment,
    FibreRoute,
    InformatizationProject,
    MediaDestruction,
    PersonalDataFile,
    ProjectReview,
    SecurityDrill,
    SecurityFinding,
    SecurityIncident,
    TelecomInspection,
    WifiSite,
    ZoneVisitDay,
)
from .services import asset_rules, project_rules

register(
    "informatization_projects",
    InformatizationProject,
    owner="department",
    search=("code", "name"),
    filters=("department", "year", "phase", "sample"),
    columns=("code", "name", "department", "year", "phase", "budget"),
    rules=project_rules,
)
register(
    "project_reviews",
    ProjectReview,
    owner=None,
    filters=("kind", "result"),
    columns=("project", "kind", "requested_on", "decided_on", "result"),
    managed_at="it:overview",
)
register(
    "it_assets",
    Asset,
    owner="department",
    search=("code", "name", "room"),
    filters=("kind", "status", "department", "sample"),
    columns=("code", "kind", "name", "department", "room", "acquired_on", "status"),
    rules=asset_rules,
)
register(
    "wifi_sites",
    WifiSite,
    owner="department",
    search=("code", "name", "district"),
    filters=("district", "status", "installed_year", "sample"),
    columns=("code", "name", "district", "installed_year", "upgraded_year", "status"),
)
register(
    "fibre_routes",
    FibreRoute,
    owner="department",
    search=("name",),
    columns=("name", "department", "length_km", "cores", "laid_year"),
)
register(
    "telecom_inspections",
    TelecomInspection,
    owner=None,
    search=("code", "building", "applicant"),
    filters=("status", "sample"),
    personal=("applicant_contact",),
    columns=("code", "building", "applicant", "received_on", "due_on", "status", "decided_on"),
    managed_at="it:inspections",  # every step moves the legal clock's case along
)
register("education_venues", EducationVenue, owner="department", search=("name",), filters=("kind", "sample"))
register("courses", Course, owner="department", search=("title",), filters=("level", "sample"))
register(
    "course_sessions",
    CourseSession,
    owner=None,
    filters=("course", "venue", "sample"),
    columns=("code", "course", "venue", "starts_on", "ends_on", "capacity"),
    managed_at="it:education",  # a session's seats are a booking slot, opened through the service
)
register(
    "enrolments",
    Enrolment,
    owner=None,
    search=("name",),
    filters=("session", "age_group", "completed", "sample"),
    personal=("name", "phone"),
    columns=("session", "name", "phone", "age_group", "attended", "completed"),
    managed_at="it:education",  # seats, waiting list and attendance move with the booking
)
register(
    "zone_visits",
    ZoneVisitDay,
    owner="venue__department",
    filters=("venue",),
    columns=("venue", "day", "visitors"),
)
register(
    "dependence_campaigns",
    DependenceCampaign,
    owner="department",
    search=("title", "place"),
    filters=("kind",),
    columns=("held_on", "kind", "title", "place", "participants"),
)
register(
    "media_destructions",
    MediaDestruction,
    owner=None,
    search=("code",),
    filters=("status", "applicant_kind", "sample"),
    personal=("applicant_name", "phone"),
    columns=("code", "applicant_kind", "applicant_name", "status", "destroyed_on"),
    managed_at="it:destructions",  # the serial check, the shredding and the certificate go together
)
register(
    "destruction_items",
    DestructionItem,
    owner=None,
    columns=("destruction", "media_type", "serial", "checked"),
    managed_at="it:destructions",
)
register(
    "security_findings",
    SecurityFinding,
    owner=None,
    search=("code", "target", "title"),
    filters=("source", "severity", "status"),
    columns=("code", "target", "title", "severity", "due_on", "status"),
    managed_at="it:security",  # the due date follows the severity; fix and re-check are steps
)
register(
    "security_incidents",
    SecurityIncident,
    owner="department",
    search=("summary",),
    filters=("kind",),
    columns=("detected_at", "kind", "summary", "closed_at"),
)
register(
    "security_drills",
    SecurityDrill,
    owner="department",
    filters=("kind",),
    columns=("held_on", "kind", "participants", "clicked", "reported"),
)
register(
    "personal_data_files",
    PersonalDataFile,
    owner="department",
    search=("code", "name", "purpose"),
    filters=("department",),
    columns=("code", "name", "department", "retention_years", "last_checked_on"),
)
