"""What every coach page is served with: one Content-Security-Policy, and a page for refusals.

The pages are plain HTML (no build step, no CDN): each links the shared ``/static/coach.css``
and ``/static/coach.js`` and carries its own inline style and script, all four with the
response's nonce. The policy lets only those run; charts are inline SVG, and images come only
as data: URLs (the empty favicon some pages declare, so the browser asks the server for none);
requests go to this origin only; pages stay out of caches, frames and referrers: a sign-in token
may be in the address.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi.responses import HTMLResponse

STATIC = Path(__file__).resolve().parent / "static"


def static_page(name: str) -> str:
    """One of the pages in ``web/static``, read once when a route module loads."""
    return (STATIC / name).read_text(encoding="utf-8")


def page_headers(nonce: str | None) -> dict[str, str]:
    """Headers for a page whose script and style carry ``nonce`` (None: a page without any)."""
    sources = f"'nonce-{nonce}'" if nonce else "'none'"
    return {
        "Content-Security-Policy": (f"default-src 'none'; script-src {sources}; "
                                    f"style-src {sources}; connect-src 'self'; "
                                    "img-src data:; base-uri 'none'; form-action 'none'; "
                                    "frame-ancestors 'none'"),
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def message_page(status: int, title: str, message: str) -> HTMLResponse:
    """A bare page saying why a link did not open (what a browser shows, not problem+json)."""
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)} — Rapport</title></head><body><main>"
            f"<h1>{html.escape(title)}</h1><p role=\"alert\">{html.escape(message)}</p>"
            f"</main></body></html>")
    return HTMLResponse(body, status_code=status, headers=page_headers(None))
