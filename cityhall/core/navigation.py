"""The header menu, filled by the apps: each registers its pages in ``AppConfig.ready``.

Core knows the sections (the office and its four departments) but not the apps, so a new module
adds itself to the menu without touching the base template. Staff with a role see the sections;
everyone else (citizens, accounts without a role) sees only the public pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .permissions import scope_of

# Section key -> label, in menu order.
SECTIONS: dict[str, Any] = {
    "office": _("실 공통"),
    "policy": _("정책기획"),
    "budget": _("예산법무"),
    "ict": _("정보통신"),
    "smart": _("스마트도시"),
}


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url: str
    order: int
    # The page counts as current when the path starts with one of these (default: the URL itself).
    prefixes: tuple[str, ...]


_staff: dict[str, list[NavEntry]] = {key: [] for key in SECTIONS}
_public: list[NavEntry] = []


def register_nav(
    section: str, label: Any, url: str, *, order: int = 50, prefixes: tuple[str, ...] = ()
) -> None:
    """A staff page in ``section`` of the menu; ``section="public"`` for a page without login."""
    entry = NavEntry(label, url, order, prefixes or (url,))
    if section == "public":
        entries = _public
    elif section in _staff:
        entries = _staff[section]
    else:
        raise ValueError(f"unknown menu section {section!r}; one of {', '.join(SECTIONS)} or 'public'")
    if all(e.url != url for e in entries):
        entries.append(entry)
        entries.sort(key=lambda e: (e.order, e.url))


def _current_url(entries: list[NavEntry], path: str) -> str | None:
    """The entry whose prefix matches the path longest (조직진단 over 조직), or none."""
    best, length = None, -1
    for entry in entries:
        for prefix in entry.prefixes:
            matches = path == "/" if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > length:
                best, length = entry.url, len(prefix)
    return best


def _items(entries: list[NavEntry], current: str | None) -> list[dict[str, Any]]:
    return [{"label": e.label, "url": e.url, "current": e.url == current} for e in entries]


def navigation(request) -> dict[str, Any]:
    """Context processor: ``nav_sections`` for staff with a role, ``nav_public`` for everyone."""
    path = request.path
    user = getattr(request, "user", None)
    sections = []
    if user is not None and scope_of(user).any_role:
        current = _current_url([e for entries in _staff.values() for e in entries], path)
        for key, label in SECTIONS.items():
            items = _items(_staff[key], current)
            if items:
                sections.append(
                    {"key": key, "label": label, "items": items, "current": any(i["current"] for i in items)}
                )
    return {"nav_sections": sections, "nav_public": _items(_public, _current_url(_public, path))}
