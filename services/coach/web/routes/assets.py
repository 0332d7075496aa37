"""``/static/coach.css`` and ``/static/coach.js``: the style and the script the pages share.

Each page (``web/static/*.html``) links both with its nonce, which its Content-Security-Policy
already allows (``page_shell.page_headers``). The files hold no data, so no token is asked for,
and like the page shells they stay out of the OpenAPI document. They are read once, when this
module loads. ``no-cache`` with an ETag: a browser keeps its copy but asks each time whether it
is still the one served (a 304 when it is), so a new release's page never runs an old script.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response

from services.coach.web.page_shell import static_page

router = APIRouter(tags=["pages"], include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


def _asset(name: str, media_type: str) -> Asset:
    body = static_page(name).encode("utf-8")
    return Asset(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


STYLE = _asset("coach.css", "text/css")
SCRIPT = _asset("coach.js", "text/javascript")


@router.get("/static/coach.css", response_class=Response)
def shared_style(request: Request) -> Response:
    """What every page's look shares: typography, cards, buttons, fields, focus, tables."""
    return _serve(STYLE, request)


@router.get("/static/coach.js", response_class=Response)
def shared_script(request: Request) -> Response:
    """``window.Rapport``: sign-in token, API calls, errors, elements and wording helpers."""
    return _serve(SCRIPT, request)


def _serve(asset: Asset, request: Request) -> Response:
    headers = {"Cache-Control": "no-cache", "ETag": asset.etag,
               "X-Content-Type-Options": "nosniff"}
    wanted = {tag.strip().removeprefix("W/")
              for tag in request.headers.get("if-none-match", "").split(",")}
    if asset.etag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)
