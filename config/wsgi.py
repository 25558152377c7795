import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import what every worker needs before it takes a request: the URLconf (every app's views)
    and its reverse table, the template engines with their tag libraries, and the default
    language's catalogue. Django loads each on first use, so without this a new worker (at start,
    and each time gunicorn recycles one) spends its first requests importing while they queue
    behind it."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for engine in engines.all():
        engine.engine.template_libraries  # noqa: B018
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("")
        get_resolver().reverse_dict  # noqa: B018 - built per language, for {% url %} and redirects


_warm_up()
