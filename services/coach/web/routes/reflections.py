"""``/v1/assignments/{assignment_id}/reflections``: the agent's answers to a drill's reflection
questions, saved at its end and listed in the agent's history.

Only the agent writes their reflections (the admin token may read them, as it reads the rest);
an answer is saved per question and saving a question again replaces its answer.
"""

from __future__ import annotations

from fastapi import APIRouter

from services.coach.context import CoachContext
from services.coach.schemas.practice import ReflectionListOut, ReflectionsIn, problem_responses
from services.coach.store.reflection_store import reflections_for, save_reflection
from services.coach.web.access import CallerDep, ContextDep, owned_assignment
from services.coach.web.views import reflection_out
from services.coach.workflows.practice import scenario_of
from shared.http.problems import Forbidden, Unprocessable

router = APIRouter(prefix="/v1/assignments", tags=["reflections"])


@router.get("/{assignment_id}/reflections", response_model=ReflectionListOut,
            responses=problem_responses(401, 403, 404))
def get_reflections(assignment_id: str, caller: CallerDep,
                    context: ContextDep) -> ReflectionListOut:
    """The answers saved for this drill so far, in question order."""
    owned_assignment(assignment_id, caller, context)
    return _listed(assignment_id, context)


@router.put("/{assignment_id}/reflections", response_model=ReflectionListOut,
            responses=problem_responses(401, 403, 404, 422))
def put_reflections(assignment_id: str, body: ReflectionsIn, caller: CallerDep,
                    context: ContextDep) -> ReflectionListOut:
    """Save answers to some or all of the drill's reflection questions; returns all saved."""
    if caller.is_admin:
        raise Forbidden("reflections are the agent's own: only their sign-in token writes them")
    record = owned_assignment(assignment_id, caller, context)
    questions = scenario_of(context, record).reflection_questions
    indexes = [answer.question_index for answer in body.answers]
    unknown = sorted({i for i in indexes if i >= len(questions)})
    if unknown:
        raise Unprocessable(f"question_index {unknown} does not exist; this drill has "
                            f"{len(questions)} reflection questions (0 to {len(questions) - 1})")
    if len(set(indexes)) != len(indexes):
        raise Unprocessable("each question_index may be answered once per request")
    now = context.clock()
    with context.engine.begin() as connection:
        for answer in body.answers:
            save_reflection(connection, assignment_id=assignment_id,
                            question_index=answer.question_index,
                            question=questions[answer.question_index],
                            answer=answer.answer.strip(), now=now)
    return _listed(assignment_id, context)


def _listed(assignment_id: str, context: CoachContext) -> ReflectionListOut:
    with context.engine.connect() as connection:
        saved = reflections_for(connection, assignment_id)
    return ReflectionListOut(assignment_id=assignment_id,
                             reflections=[reflection_out(r) for r in saved])
