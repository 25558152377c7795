"""Where Eclipse SUMO is: the ``eclipse-sumo`` wheel ships the binaries (``sumo``, ``netgenerate``,
``netconvert``) under ``sumo.SUMO_HOME/bin``; importing ``sumo`` also sets ``SUMO_HOME`` and the PROJ
data path netconvert needs for OpenStreetMap projections."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .text import gettext_noop


class SumoError(Exception):
    """A SUMO tool failed; the message (a ``Text``) carries its own error lines."""


def sumo_home() -> Path:
    import sumo

    return Path(sumo.SUMO_HOME)


def binary(name: str) -> str:
    path = sumo_home() / "bin" / name
    if not path.exists():
        raise SumoError(gettext_noop("SUMO 실행 파일이 없습니다: %(path)s", path=path))
    return str(path)


def version() -> str:
    import sumo

    return str(sumo.__version__)


def run_tool(name: str, args: list[str], *, timeout: float = 300.0) -> str:
    """Runs a SUMO tool; raises SumoError with its error output when it fails."""
    sumo_home()  # sets SUMO_HOME and PROJ_DATA in os.environ
    proc = subprocess.run(  # noqa: S603 - a fixed binary from the installed wheel
        [binary(name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )
    if proc.returncode != 0:
        errors = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        raise SumoError(gettext_noop("%(tool)s 실패: %(errors)s", tool=name, errors=" / ".join(errors[-5:])))
    return proc.stdout
