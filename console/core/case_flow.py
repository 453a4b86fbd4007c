"""The case flow state machine (DESIGN.md §6): which action moves a case from which state, by whom.

Illegal transitions are impossible here, not merely hidden by the UI: services call
`next_state` and it raises `IllegalTransition` with a reason an operator can read.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from console.core.codes import (
    CaseState,
    Channel,
    FlowAction,
    Role,
    Satisfaction,
    SupervisionLevel,
)

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


class ActionRefused(IllegalTransition):
    """An action whose arguments break a rule; `reasons` lists every broken rule."""

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True, slots=True)
class Step:
    action: FlowAction
    before: CaseState
    after: CaseState


def transition_refusal(state: CaseState, action: FlowAction, role: Role) -> str | None:
    """Why `role` may not take `action` on a case in `state`, or None when it may."""
    if action not in ROLE_ACTIONS[role]:
        return f"角色“{role.zh}”无权执行“{action.zh}”"
    if (state, action) not in TRANSITIONS:
        return f"案件处于“{state.zh}”状态，不能执行“{action.zh}”"
    return None


def next_state(
    state: CaseState,
    action: FlowAction,
    role: Role,
    opinion: str = "",
    *,
    args: ActionArgs | None = None,
    now: datetime | None = None,
    unit_ids: Collection[int] | None = None,
) -> Step:
    """The step `action` takes; with `args` (and `now`), the argument rules hold too."""
    refusal = transition_refusal(state, action, role)
    if refusal is not None:
        raise IllegalTransition(refusal)
    if action in OPINION_REQUIRED and not opinion.strip():
        raise IllegalTransition(f"“{action.zh}”必须填写意见")
    if args is not None:
        if now is None:
            raise ValueError("argument rules need the current time")
        reasons = check_arguments(action, args, now=now, unit_ids=unit_ids)
        if reasons:
            raise ActionRefused(reasons)
    return Step(action, state, TRANSITIONS[(state, action)])


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


# --- what each action asks for, and the rules its answers must keep


class Need(enum.Enum):
    """One thing an action asks the operator for, besides the opinion every step may carry."""

    CHANNEL = "channel"
    UNIT = "unit"
    DEADLINE = "deadline"
    LEVEL = "level"
    SUCCESS = "success"
    ACCOUNT = "account"
    SATISFACTION = "satisfaction"


ACTION_NEEDS: dict[FlowAction, tuple[Need, ...]] = {
    A.DIVERT: (Need.CHANNEL,),
    A.ASSIGN: (Need.UNIT, Need.DEADLINE),
    A.ASSIST: (Need.UNIT,),
    A.SUPERVISE: (Need.LEVEL,),
    A.CLOSE: (Need.SUCCESS, Need.ACCOUNT),
    A.EVALUATE: (Need.SATISFACTION,),
}

# The operator-facing name of the opinion an action must carry. A superset of
# OPINION_REQUIRED: 反馈 states what was done, which next_state leaves to callers that
# replay histories, but an operator giving feedback must write it.
OPINION_NAMES: dict[FlowAction, str] = {
    A.REJECT: "不予受理理由",
    A.RETURN: "回退意见",
    A.VOID: "作废原因",
    A.SUSPEND: "挂起原因",
    A.SUPERVISE: "督办意见",
    A.FEEDBACK: "办理情况",
}

OPINION_MAX_CHARS = 2000
ACCOUNT_MAX_CHARS = 4000


def needs(action: FlowAction) -> tuple[Need, ...]:
    return ACTION_NEEDS.get(action, ())


def opinion_required(action: FlowAction) -> bool:
    return action in OPINION_NAMES


@dataclass(frozen=True, slots=True)
class ActionArgs:
    """What the operator gave for one action; only the fields its needs name are read."""

    opinion: str = ""
    channel: Channel | None = None
    target_unit_id: int | None = None
    deadline: datetime | None = None
    """Naive UTC, as the store keeps times."""
    supervision: SupervisionLevel | None = None
    success: bool | None = None
    account: str = ""
    satisfaction: Satisfaction | None = None


def check_arguments(
    action: FlowAction,
    args: ActionArgs,
    *,
    now: datetime,
    unit_ids: Collection[int] | None = None,
) -> tuple[str, ...]:
    """Every rule `args` break for `action`, in words an operator can act on; () if none.

    `unit_ids` are the member units that exist; None skips that check (no store at hand).
    """
    reasons: list[str] = []
    what = action.zh
    if action in OPINION_NAMES and not args.opinion.strip():
        reasons.append(f"“{what}”必须填写{OPINION_NAMES[action]}")
    if len(args.opinion) > OPINION_MAX_CHARS:
        reasons.append(f"意见不能超过{OPINION_MAX_CHARS}字")
    wanted = needs(action)
    if Need.CHANNEL in wanted and args.channel is None:
        reasons.append(f"“{what}”必须选择分流渠道")
    if Need.UNIT in wanted:
        role_word = "协办单位" if action is A.ASSIST else "承办单位"
        if args.target_unit_id is None:
            reasons.append(f"“{what}”必须选择{role_word}")
        elif unit_ids is not None and args.target_unit_id not in unit_ids:
            reasons.append(f"所选{role_word}不存在")
    if Need.DEADLINE in wanted:
        if args.deadline is None:
            reasons.append(f"“{what}”必须设定办理时限")
        elif args.deadline <= now:
            reasons.append("办理时限不能早于当前时间")
    if Need.LEVEL in wanted and args.supervision in (None, SupervisionLevel.NONE):
        reasons.append(f"“{what}”必须选择督办级别（普通、黄牌或红牌）")
    if Need.SUCCESS in wanted and args.success is None:
        reasons.append(f"“{what}”必须注明是否化解成功")
    if Need.ACCOUNT in wanted:
        if not args.account.strip():
            reasons.append(f"“{what}”必须填写化解情况")
        elif len(args.account) > ACCOUNT_MAX_CHARS:
            reasons.append(f"化解情况不能超过{ACCOUNT_MAX_CHARS}字")
    if Need.SATISFACTION in wanted and args.satisfaction is None:
        reasons.append(f"“{what}”必须选择满意度")
    return tuple(reasons)


def refusals(
    state: CaseState,
    action: FlowAction,
    role: Role,
    args: ActionArgs,
    *,
    now: datetime,
    unit_ids: Collection[int] | None = None,
) -> tuple[str, ...]:
    """Why this action may not happen now: the role or state first, else every argument rule."""
    refusal = transition_refusal(state, action, role)
    if refusal is not None:
        return (refusal,)
    return check_arguments(action, args, now=now, unit_ids=unit_ids)


def step_opinion(action: FlowAction, args: ActionArgs) -> str:
    """The flow-log opinion of a step: 办结 and 评价 lead with their result, then the words."""
    opinion = args.opinion.strip()
    if action is A.CLOSE and args.success is not None:
        head = ("化解成功：" if args.success else "化解不成功：") + args.account.strip()
    elif action is A.EVALUATE and args.satisfaction is not None:
        head = args.satisfaction.zh
    else:
        return opinion
    return f"{head}；{opinion}" if opinion else head
