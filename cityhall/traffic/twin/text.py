"""The twin's messages to people: Korean templates that carry their values, so the Django layer can
show them in the reader's language while the twin itself stays free of Django.

A message is a ``Text``: the Korean sentence (a ``str``, so logs, exceptions and tests read it as
before) that also keeps its ``template`` and ``values``; the traffic app translates the template and
fills in the values (``cityhall.traffic.i18n``)."""

from __future__ import annotations

import re


class Text(str):
    """A Korean message filled in from ``template`` % ``values``."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, values: dict[str, object] | None = None) -> Text:
        values = dict(values or {})
        text = super().__new__(cls, template % values if values else template)
        text.template, text.values = str(template), values
        return text


def gettext_noop(template: str, /, **values: object) -> Text:
    """Marks ``template`` for the catalogue and fills it in Korean. Named like Django's marker on
    purpose: makemessages finds the templates by this name, with no Django import here."""
    return Text(template, values)


def parse(text: str, templates: tuple[str, ...]) -> Text | None:
    """The message ``text`` stored as plain Korean (a run's warnings), read back against the
    templates that could have made it; None when none did."""
    for template in templates:
        pattern = re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", re.escape(template))
        found = re.fullmatch(pattern, text)
        if found:
            return Text(template, found.groupdict())
    return None
