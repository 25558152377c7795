"""The twin's Korean messages in the reader's language. The twin stays free of Django, so its
messages (``twin.text.Text``) keep their Korean template and values, and are translated here."""

from __future__ import annotations

from django.utils.translation import gettext

from .twin import simulation
from .twin.text import Text, parse


def translated(message: object) -> str:
    """``message`` in the active language when it is a twin template; any other text as it is."""
    if isinstance(message, Text):
        return gettext(message.template) % message.values if message.values else gettext(message.template)
    return str(message)


def error_text(exc: BaseException) -> str:
    """A twin exception's message (SumoError, ValueError) in the active language."""
    return translated(exc.args[0]) if len(exc.args) == 1 else str(exc)


def run_warnings(stored: list[str]) -> list[str]:
    """A run's warnings, stored as Korean text, in the active language; a warning that no template
    of the twin made (an older wording) is shown as stored."""
    return [translated(parse(w, simulation.WARNINGS) or w) for w in stored]
