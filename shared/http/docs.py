"""The services' FastAPI app, with ``/docs`` and ``/redoc`` that render without internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so offline (or behind a strict proxy)
they are blank. ``fastapi-offline`` ships those assets in its wheel; the service serves them
itself under ``DOCS_ASSETS_PATH``. Like ``/openapi.json`` they describe the API and hold no
data, so they need no token.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

DOCS_ASSETS_PATH = "/docs-assets"


def create_service_app(**fastapi_arguments: Any) -> FastAPI:
    """``FastAPI(**fastapi_arguments)`` whose documentation pages use the bundled assets."""
    return FastAPIOffline(static_url=DOCS_ASSETS_PATH, **fastapi_arguments)
