"""The WSGI entry point: a worker has imported what its first request needs before it takes one."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, sys
import config.wsgi
from django.utils.translation import trans_real
print(json.dumps({
    "views": sorted(m for m in sys.modules if m.startswith("cityhall.") and m.endswith(".views")),
    "catalogues": sorted(trans_real._translations),
}))
"""


def test_a_worker_loads_the_urlconf_and_the_catalogue_before_its_first_request(tmp_path):
    env = {**os.environ, "CITYHALL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    # every app's views, imported by the URLconf (none of them is imported by the settings)
    assert {"cityhall.participation.views", "cityhall.bus.views", "cityhall.traffic.views"} <= set(
        loaded["views"]
    )
    assert "ko" in loaded["catalogues"]
