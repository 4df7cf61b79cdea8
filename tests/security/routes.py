"""`python -m tests.security.routes`: every route of the proxy's assembled app, as JSON lines.

Read from the app itself (LiteLLM's routers included, whatever its version adds), so the
tenant-surface suite walks what a client can really reach, not a hand-kept list.
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from fastapi.routing import _iter_routes_with_context
    from starlette.routing import Mount, WebSocketRoute

    from proxy.gateway.app import app

    for route, context in _iter_routes_with_context(app.routes):
        served = context.starlette_route if context and context.starlette_route else route
        path = context.path if context and context.path else getattr(served, "path", "")
        if isinstance(served, Mount):
            kind, methods = "mount", ["GET"]
        elif isinstance(served, WebSocketRoute) or type(served).__name__.endswith("WebSocketRoute"):
            kind, methods = "websocket", ["GET"]
        else:
            kind, methods = "http", sorted(getattr(served, "methods", None) or ["GET"])
        for method in methods:
            sys.stdout.write(json.dumps({"kind": kind, "method": method, "path": path}) + "\n")


if __name__ == "__main__":
    main()
