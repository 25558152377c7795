"""Spatial record types. A layer's features change only by import (``services.layer_import``), so
features are no record type of their own; a project's progress is recorded on the project's page,
which locks the project so the progress cannot pass its scale."""

from cityhall.core.records import register

from .models import Layer, ProjectProgress, UpdateProject
from .services import layer_rules, project_rules

register(
    "gis_layers",
    Layer,
    owner="team",
    search=("code", "title", "source"),
    filters=("kind", "base", "sample", "team"),
    columns=("code", "title", "kind", "source", "source_crs", "data_date"),
    rules=layer_rules,
)
register(
    "gis_projects",
    UpdateProject,
    owner="team",
    search=("code", "name", "target_area"),
    filters=("year", "kind"),
    columns=("code", "name", "target_area", "quantity", "unit"),
    rules=project_rules,
)
register(
    "gis_progress",
    ProjectProgress,
    owner="project__team",
    filters=("project",),
    columns=("project", "area", "sheet", "quantity", "done_on"),
    managed_at="gis:project",
)
