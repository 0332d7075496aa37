"""A service-wide bearer token as a FastAPI dependency (``Authorization: Bearer <token>``).

The settings decide whether there is a token: they require one outside development
(``ServiceSettings.required_outside_development``), so ``None`` here means a development stack
that chose an open API. A token is compared in constant time, and an empty one presented
(``Bearer `` with nothing after it) never matches anything.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from shared.http.problems import Unauthorized

# Declared as a security scheme, so the OpenAPI document says how to authenticate; auto_error
# off, so a refusal is our problem+json 401 rather than FastAPI's 403.
_BEARER = HTTPBearer(auto_error=False,
                     description="The API token from the service's settings "
                                 "(the scorer: RAPPORT_SCORER_API_TOKEN).")


def bearer_token_guard(token: SecretStr | None, *,
                       realm: str) -> Callable[..., Awaitable[None]]:
    """A dependency that answers 401 unless the request carries ``token``."""
    expected = token.get_secret_value().encode("utf-8") if token is not None else None
    challenge = {"WWW-Authenticate": f'Bearer realm="{realm}"'}

    async def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> None:
        if expected is None:
            return
        presented = credentials.credentials.encode("utf-8") if credentials is not None else b""
        if not presented or not hmac.compare_digest(presented, expected):
            raise Unauthorized("a valid bearer token is required", headers=challenge)

    return require_token
