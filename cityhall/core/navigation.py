"""The header menu, filled by the apps: each registers its pages in ``AppConfig.ready``.

Core knows the sections (the office and its four departments) but not the apps, so a new module
adds itself to the menu without touching the base template. Staff with a role see the sections;
everyone else (citizens, accounts without a role) sees only the public pages. An entry for some staff
only names who with ``visible=`` (a predicate of the user, e.g. ``office_wide`` or ``has_perm(...)``):
the menu then shows it to them alone. It hides a link, it does not guard the page: the view still checks.
"""

from __future__ import annotations

from collections.abc import Callable
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
    # Who sees the entry (None: everyone who sees the section).
    visible: Callable[[Any], bool] | None = None


def office_wide(user) -> bool:
    """The director and administrators (the office-wide roles)."""
    return scope_of(user).office_wide


def has_perm(perm: str) -> Callable[[Any], bool]:
    """Users with Django permission ``perm`` (``"app_label.codename"``)."""

    def visible(user) -> bool:
        return bool(user.has_perm(perm))

    visible.__name__ = f"has_perm({perm})"
    return visible


_staff: dict[str, list[NavEntry]] = {key: [] for key in SECTIONS}
_public: list[NavEntry] = []


def register_nav(
    section: str,
    label: Any,
    url: str,
    *,
    order: int = 50,
    prefixes: tuple[str, ...] = (),
    visible: Callable[[Any], bool] | None = None,
) -> None:
    """A staff page in ``section`` of the menu; ``section="public"`` for a page without login.
    ``visible(user)``: only those for whom it is true see the entry."""
    entry = NavEntry(label, url, order, prefixes or (url,), visible)
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


def _for(user, entries: list[NavEntry]) -> list[NavEntry]:
    return [e for e in entries if e.visible is None or (user is not None and e.visible(user))]


def navigation(request) -> dict[str, Any]:
    """Context processor: ``nav_sections`` for staff with a role, ``nav_public`` for everyone."""
    path = request.path
    user = getattr(request, "user", None)
    sections = []
    if user is not None and scope_of(user).any_role:
        mine = {key: _for(user, entries) for key, entries in _staff.items()}
        current = _current_url([e for entries in mine.values() for e in entries], path)
        for key, label in SECTIONS.items():
            items = _items(mine[key], current)
            if items:
                sections.append(
                    {"key": key, "label": label, "items": items, "current": any(i["current"] for i in items)}
                )
    public = _for(user, _public)
    return {"nav_sections": sections, "nav_public": _items(public, _current_url(public, path))}
