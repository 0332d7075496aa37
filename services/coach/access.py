"""Who is calling: the admin (``RAPPORT_ADMIN_TOKEN``) or one agent (a sign-in link's token).

Agents read and write only their own data; the admin reads everything. A missing, malformed,
tampered or expired token is a 401; a valid token for someone else's data is a 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.coach.context import CoachContext, get_context
from services.coach.links import ExpiredToken, InvalidToken, verify_token
from shared.http.problems import Forbidden, Unauthorized

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rapport-coach"'}
bearer_scheme = HTTPBearer(auto_error=False, description="Admin token or sign-in link token.")


@dataclass(frozen=True)
class Principal:
    agent_id: str | None  # None for the admin
    is_admin: bool = False

    def require_access(self, agent_id: str) -> None:
        if not self.is_admin and self.agent_id != agent_id:
            raise Forbidden("this token belongs to another agent")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("only the admin token may do this")


def authenticate(token: str, context: CoachContext) -> Principal:
    admin = context.settings.admin_token.get_secret_value()
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal(agent_id=None, is_admin=True)
    try:
        agent_id = verify_token(token, context.settings.link_secret.get_secret_value(),
                                now=context.clock())
    except ExpiredToken as exc:
        raise Unauthorized(str(exc), headers=_CHALLENGE) from None
    except InvalidToken:
        raise Unauthorized("the token is not valid", headers=_CHALLENGE) from None
    return Principal(agent_id=agent_id)


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    context: Annotated[CoachContext, Depends(get_context)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send 'Authorization: Bearer <token>'", headers=_CHALLENGE)
    return authenticate(credentials.credentials, context)


CallerDep = Annotated[Principal, Depends(current_principal)]
ContextDep = Annotated[CoachContext, Depends(get_context)]
