"""Who is calling: the admin (``RAPPORT_ADMIN_TOKEN``), or an agent, a lead or a reviewer (a
sign-in link's token).

Agents read and write only their own data; a lead acts for one team (a helpdesk account: the
agent id's ``provider:account``) and sees that team only; a reviewer sees the calibration
circles they were asked to rate, and within a circle only what it shows them; the admin reads
everything. A missing, malformed, tampered or expired token is a 401; a valid token for
someone else's data is a 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.coach.context import CoachContext, get_context
from services.coach.domain.score_batches import team_id as team_of_agent
from services.coach.store import assignment_store
from services.coach.store.assignment_store import AssignmentRecord
from services.coach.web.links import ExpiredToken, InvalidToken, verify_claims
from shared.http.problems import Forbidden, NotFound, Unauthorized

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rapport-coach"'}
bearer_scheme = HTTPBearer(auto_error=False, description="Admin token or sign-in link token.")


Role = Literal["agent", "lead", "reviewer", "admin"]


@dataclass(frozen=True)
class Principal:
    agent_id: str | None  # the agent's own id; None for the admin, a lead and a reviewer
    is_admin: bool = False
    role: Role = "agent"
    team_id: str | None = None  # the lead's or reviewer's team; an agent's own account
    person_id: str | None = None  # who signed in (an agent, lead or reviewer); None: admin

    @classmethod
    def admin(cls) -> Principal:
        return cls(agent_id=None, is_admin=True, role="admin")

    @classmethod
    def agent(cls, agent_id: str) -> Principal:
        return cls(agent_id=agent_id, role="agent", team_id=team_of_agent(agent_id),
                   person_id=agent_id)

    @classmethod
    def staff(cls, person_id: str, role: Literal["lead", "reviewer"], team_id: str) -> Principal:
        return cls(agent_id=None, role=role, team_id=team_id, person_id=person_id)

    def __post_init__(self) -> None:
        if self.is_admin and self.role != "admin":  # Principal(agent_id=None, is_admin=True)
            object.__setattr__(self, "role", "admin")

    def require_access(self, agent_id: str) -> None:
        """An agent's own data: that agent or the admin (leads use the team's endpoints)."""
        if self.is_admin or self.agent_id == agent_id:
            return
        if self.role in ("lead", "reviewer"):
            raise Forbidden(f"a {self.role}'s token does not open an agent's own data")
        raise Forbidden("this token belongs to another agent")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("only the admin token may do this")

    def require_lead_of(self, team_id: str) -> None:
        """The lead of ``team_id``, or the admin."""
        if self.is_admin:
            return
        if self.role != "lead":
            raise Forbidden("only a team lead may do this")
        if self.team_id != team_id:
            raise Forbidden("this lead's token is for another team")

    def require_reviewer(self) -> str:
        """A reviewer's token; returns the reviewer's id (circles check membership)."""
        if self.role != "reviewer" or self.person_id is None:
            raise Forbidden("only a reviewer's token may do this")
        return self.person_id

    def leads_team_of(self, agent_id: str) -> bool:
        """Whether this caller is the admin or the lead of the agent's team."""
        return self.is_admin or (self.role == "lead" and self.team_id == team_of_agent(agent_id))


def authenticate(token: str, context: CoachContext) -> Principal:
    admin = context.settings.admin_token.get_secret_value()
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal.admin()
    try:
        claims = verify_claims(token, context.settings.link_secret.get_secret_value(),
                               now=context.clock())
    except ExpiredToken as exc:
        raise Unauthorized(str(exc), headers=_CHALLENGE) from None
    except InvalidToken:
        raise Unauthorized("the token is not valid", headers=_CHALLENGE) from None
    if claims.role is None:
        return Principal.agent(claims.subject)
    assert claims.team_id is not None  # verify_claims requires a team with a role
    return Principal.staff(claims.subject, claims.role, claims.team_id)


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    context: Annotated[CoachContext, Depends(get_context)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send 'Authorization: Bearer <token>'", headers=_CHALLENGE)
    return authenticate(credentials.credentials, context)


def owned_assignment(assignment_id: str, caller: Principal,
                     context: CoachContext) -> AssignmentRecord:
    """The drill, if the caller may see it: 404 when there is none, 403 when it is not theirs."""
    with context.engine.connect() as connection:
        record = assignment_store.get_assignment(connection, assignment_id)
    if record is None:
        raise NotFound(f"no assignment {assignment_id!r}")
    caller.require_access(record.agent_id)
    return record


CallerDep = Annotated[Principal, Depends(current_principal)]
ContextDep = Annotated[CoachContext, Depends(get_context)]
