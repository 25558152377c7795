from cityhall.core.tests import test_browser_accessibility as a11y
from cityhall.core.tests.test_browser_accessibility import *  # noqa: F403

a11y.PAGE_KINDS[:] = [k for k in a11y.PAGE_KINDS if k.url_name.startswith("traffic:")]
