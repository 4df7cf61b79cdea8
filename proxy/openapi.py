"""`make openapi`: print the proxy's OpenAPI document restricted to Konstruct's own routes.

The portal generates its API types from this (portal/openapi.json); LiteLLM's hundreds
of routes are left out.
"""

import json
import os
import re
import sys
from typing import Any

OWN_PREFIXES = ("/admin/", "/internal/", "/healthz")


def referenced_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """Only the component schemas our paths reach, directly or through other schemas."""
    schemas = document["components"]["schemas"]
    keep: dict[str, Any] = {}
    pending = [document["paths"]]
    while pending:
        for ref in re.findall(
            r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(pending.pop())
        ):
            if ref not in keep:
                keep[ref] = schemas[ref]
                pending.append(schemas[ref])
    return dict(sorted(keep.items()))


def main() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from proxy.gateway.app import app

    document = app.openapi()
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path.startswith(OWN_PREFIXES)
    }
    document["components"]["schemas"] = referenced_schemas(document)
    document["info"] = {"title": "Konstruct admin and internal API", "version": "1"}
    sys.stdout.write(json.dumps(document, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
