"""The case flow state machine (DESIGN.md §6): which action moves a case from which state, by whom.

Illegal transitions are impossible here, not merely hidden by the UI: services call
`next_state` and it raises `IllegalTransition` with a reason an operator can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.core.codes import CaseState, FlowAction, Role

S = CaseState
A = FlowAction

# (from state, action) -> to state
TRANSITIONS: dict[tuple[CaseState, FlowAction], CaseState] = {
    (S.DRAFT, A.SAVE_DRAFT): S.DRAFT,
    (S.DRAFT, A.REPORT): S.REPORTED,
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.REJECT): S.REJECTED,
    (S.ACCEPTED, A.DIVERT): S.DIVERTED,
    (S.ACCEPTED, A.ASSIGN): S.ASSIGNED,
    (S.DIVERTED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.ASSIST): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.FEEDBACK): S.FEEDBACK,
    (S.FEEDBACK, A.SUBMIT_REVIEW): S.REVIEW,
    (S.REVIEW, A.RETURN): S.IN_PROGRESS,
    (S.REVIEW, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.EVALUATE): S.EVALUATED,
}

TERMINAL_STATES = frozenset({S.REJECTED, S.EVALUATED, S.VOIDED})
CLOSED_STATES = frozenset({S.CLOSED, S.EVALUATED, S.REJECTED, S.VOIDED})
OPEN_STATES = frozenset(s for s in CaseState if s not in CLOSED_STATES)

# Voiding and supervision cut across the flow: allowed from every state still open.
for _state in OPEN_STATES:
    TRANSITIONS[(_state, A.VOID)] = S.VOIDED
    if _state is not S.DRAFT:
        TRANSITIONS[(_state, A.SUPERVISE)] = _state

ROLE_ACTIONS: dict[Role, frozenset[FlowAction]] = {
    Role.DUTY_OFFICER: frozenset({A.SAVE_DRAFT, A.REPORT, A.ACCEPT, A.REJECT, A.DIVERT, A.ASSIGN}),
    Role.MEDIATOR: frozenset(
        {
            A.SAVE_DRAFT,
            A.REPORT,
            A.START,
            A.ASSIST,
            A.SUSPEND,
            A.RESUME,
            A.FEEDBACK,
            A.SUBMIT_REVIEW,
        }
    ),
    Role.SUPERVISOR: frozenset(FlowAction),
    Role.ADMIN: frozenset(FlowAction),
}

# Actions whose flow-log row must carry an opinion, because a later reader needs the why.
OPINION_REQUIRED = frozenset({A.REJECT, A.RETURN, A.VOID, A.SUSPEND, A.SUPERVISE})


class IllegalTransition(ValueError):
    """An action not allowed for this case state or this role."""


@dataclass(frozen=True, slots=True)
class Step:
    action: FlowAction
    before: CaseState
    after: CaseState


def next_state(state: CaseState, action: FlowAction, role: Role, opinion: str = "") -> Step:
    if action not in ROLE_ACTIONS[role]:
        raise IllegalTransition(f"角色“{role.zh}”无权执行“{action.zh}”")
    after = TRANSITIONS.get((state, action))
    if after is None:
        raise IllegalTransition(f"案件处于“{state.zh}”状态，不能执行“{action.zh}”")
    if action in OPINION_REQUIRED and not opinion.strip():
        raise IllegalTransition(f"“{action.zh}”必须填写意见")
    return Step(action, state, after)


def allowed_actions(state: CaseState, role: Role) -> tuple[FlowAction, ...]:
    return tuple(a for a in FlowAction if (state, a) in TRANSITIONS and a in ROLE_ACTIONS[role])


def path_to(target: CaseState) -> tuple[FlowAction, ...]:
    """The shortest action path from DRAFT to `target`, for seeding realistic histories."""
    frontier: list[tuple[CaseState, tuple[FlowAction, ...]]] = [(S.DRAFT, ())]
    seen = {S.DRAFT}
    while frontier:
        state, path = frontier.pop(0)
        if state is target:
            return path
        for (src, action), dst in TRANSITIONS.items():
            if src is state and dst not in seen:
                seen.add(dst)
                frontier.append((dst, (*path, action)))
    raise ValueError(f"no path to {target}")
