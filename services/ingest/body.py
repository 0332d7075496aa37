"""Reading a request body without letting a sender decide how much memory it takes."""

from __future__ import annotations

from fastapi import Request

from shared.http.problems import BadRequest, PayloadTooLarge


async def read_bounded_body(request: Request, limit_bytes: int) -> bytes:
    """The whole body, or 413 as soon as the declared length or the bytes read pass the limit.

    Content-Length is checked first (cheap refusal), then the bytes actually read, because a
    chunked request declares nothing and a declared length can lie.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BadRequest("Content-Length is not a number")
        if int(declared) > limit_bytes:
            raise PayloadTooLarge(_too_large(limit_bytes), limit_bytes=limit_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit_bytes:
            raise PayloadTooLarge(_too_large(limit_bytes), limit_bytes=limit_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit_bytes: int) -> str:
    return (f"body is larger than {limit_bytes} bytes "
            "(RAPPORT_INGEST_MAX_BODY_BYTES sets the limit)")
