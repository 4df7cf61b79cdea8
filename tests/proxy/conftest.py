"""Proxy suites use the shared stack fixtures (tests/stack.py, a pytest plugin).

The names below are re-exported only while tests/bridge/conftest.py still imports them
from here; the fixtures themselves come from the plugin.
"""

from tests.stack import ProxyServer, TenantWorld, make_world  # noqa: F401
from tests.stack import proxy as proxy  # noqa: F401
from tests.stack import proxy_env as proxy_env  # noqa: F401
