from cityhall.core.tests import test_browser_accessibility as t
from cityhall.core.tests.test_browser_accessibility import *  # noqa: F403

t.PAGE_KINDS[:] = [k for k in t.PAGE_KINDS if k.url_name.startswith("bus:")]
