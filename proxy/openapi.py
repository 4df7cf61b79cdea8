"""`make openapi`: print the proxy's OpenAPI document restricted to Konstruct's own routes.

The portal generates its API types from this (portal/openapi.json); LiteLLM's hundreds
of routes are left out.
"""

import json
import os
import sys

OWN_PREFIXES = ("/admin/", "/internal/", "/healthz")


def main() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from proxy.app import app

    document = app.openapi()
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path.startswith(OWN_PREFIXES)
    }
    document["info"] = {"title": "Konstruct admin and internal API", "version": "1"}
    sys.stdout.write(json.dumps(document, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
