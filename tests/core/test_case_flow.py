"""Every legal and illegal case-flow transition, for every role."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from console.core import case_flow
from console.core.case_flow import ActionArgs, IllegalTransition, next_state
from console.core.codes import (
    CaseState,
    Channel,
    FlowAction,
    Role,
    Satisfaction,
    SupervisionLevel,
)


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", list(FlowAction))
def test_transition_table_is_the_only_authority(state: CaseState, action: FlowAction) -> None:
    legal = (state, action) in case_flow.TRANSITIONS
    opinion = "意见"
    if legal:
        step = next_state(state, action, Role.SUPERVISOR, opinion)
        assert step.after is case_flow.TRANSITIONS[(state, action)]
    else:
        with pytest.raises(IllegalTransition):
            next_state(state, action, Role.SUPERVISOR, opinion)


def test_role_limits_actions() -> None:
    with pytest.raises(IllegalTransition, match="无权"):
        next_state(CaseState.REVIEW, FlowAction.CLOSE, Role.DUTY_OFFICER)
    assert (
        next_state(CaseState.REPORTED, FlowAction.ACCEPT, Role.DUTY_OFFICER).after
        is CaseState.ACCEPTED
    )


def test_opinion_required_for_return_and_void() -> None:
    with pytest.raises(IllegalTransition, match="意见"):
        next_state(CaseState.REVIEW, FlowAction.RETURN, Role.SUPERVISOR, "  ")
    assert (
        next_state(CaseState.REVIEW, FlowAction.RETURN, Role.SUPERVISOR, "证据不足").after
        is CaseState.IN_PROGRESS
    )


def test_terminal_states_allow_nothing() -> None:
    for state in case_flow.TERMINAL_STATES:
        assert case_flow.allowed_actions(state, Role.ADMIN) == ()


def test_every_state_reachable_from_draft() -> None:
    for state in CaseState:
        path = case_flow.path_to(state)
        current = CaseState.DRAFT
        for action in path:
            current = next_state(current, action, Role.ADMIN, "x").after
        assert current is state


# --- roles: every (state, action, role) is allowed exactly when the tables say so


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", list(CaseState))
def test_every_role_state_action(role: Role, state: CaseState) -> None:
    allowed = set(case_flow.allowed_actions(state, role))
    for action in FlowAction:
        legal = (state, action) in case_flow.TRANSITIONS and action in case_flow.ROLE_ACTIONS[role]
        assert (action in allowed) is legal
        refusal = case_flow.transition_refusal(state, action, role)
        if legal:
            assert refusal is None
            assert (
                next_state(state, action, role, "意见").after
                is case_flow.TRANSITIONS[(state, action)]
            )
        else:
            assert refusal and ("无权" in refusal or "不能执行" in refusal)
            with pytest.raises(IllegalTransition, match=refusal):
                next_state(state, action, role, "意见")


def test_duty_officer_and_mediator_actions_are_their_desks() -> None:
    assert set(case_flow.allowed_actions(CaseState.ACCEPTED, Role.DUTY_OFFICER)) == {
        FlowAction.DIVERT,
        FlowAction.ASSIGN,
    }
    assert set(case_flow.allowed_actions(CaseState.IN_PROGRESS, Role.MEDIATOR)) == {
        FlowAction.ASSIST,
        FlowAction.SUSPEND,
        FlowAction.FEEDBACK,
    }
    # Closing, returning, evaluating, voiding and supervising are the supervisor's.
    assert set(case_flow.allowed_actions(CaseState.REVIEW, Role.SUPERVISOR)) == {
        FlowAction.RETURN,
        FlowAction.CLOSE,
        FlowAction.VOID,
        FlowAction.SUPERVISE,
    }
    assert case_flow.allowed_actions(CaseState.REVIEW, Role.DUTY_OFFICER) == ()


# --- argument rules

NOW = datetime(2026, 12, 3, 3, 0, 0)
UNITS = frozenset({7, 8})

GOOD_ARGS: dict[FlowAction, ActionArgs] = {
    FlowAction.DIVERT: ActionArgs(channel=Channel.PEOPLES_MEDIATION),
    FlowAction.ASSIGN: ActionArgs(target_unit_id=7, deadline=NOW + timedelta(days=5)),
    FlowAction.ASSIST: ActionArgs(target_unit_id=8),
    FlowAction.SUPERVISE: ActionArgs(supervision=SupervisionLevel.RED, opinion="尽快办理"),
    FlowAction.CLOSE: ActionArgs(success=True, account="双方达成协议，已履行"),
    FlowAction.EVALUATE: ActionArgs(satisfaction=Satisfaction.SATISFIED),
    FlowAction.REJECT: ActionArgs(opinion="不属于受理范围"),
    FlowAction.RETURN: ActionArgs(opinion="证据不足"),
    FlowAction.VOID: ActionArgs(opinion="重复登记"),
    FlowAction.SUSPEND: ActionArgs(opinion="当事人住院"),
    FlowAction.FEEDBACK: ActionArgs(opinion="已上门调解"),
}


@pytest.mark.parametrize("action", list(FlowAction))
def test_good_arguments_pass_and_empty_ones_fail_exactly_when_needed(action: FlowAction) -> None:
    good = GOOD_ARGS.get(action, ActionArgs())
    assert case_flow.check_arguments(action, good, now=NOW, unit_ids=UNITS) == ()
    empty = case_flow.check_arguments(action, ActionArgs(), now=NOW, unit_ids=UNITS)
    expected = len(case_flow.needs(action)) + case_flow.opinion_required(action)
    assert len(empty) == expected, empty
    assert all(action.zh in reason for reason in empty)


def test_opinion_names_cover_the_state_machine_requirement() -> None:
    assert case_flow.OPINION_REQUIRED.issubset(case_flow.OPINION_NAMES)
    assert all(a in GOOD_ARGS for a in case_flow.OPINION_NAMES)
    assert all(a in GOOD_ARGS for a in case_flow.ACTION_NEEDS)


@pytest.mark.parametrize(
    ("action", "args", "words"),
    [
        (FlowAction.DIVERT, ActionArgs(), "必须选择分流渠道"),
        (FlowAction.ASSIGN, ActionArgs(deadline=NOW + timedelta(days=1)), "必须选择承办单位"),
        (
            FlowAction.ASSIGN,
            ActionArgs(target_unit_id=99, deadline=NOW + timedelta(days=1)),
            "所选承办单位不存在",
        ),
        (FlowAction.ASSIGN, ActionArgs(target_unit_id=7), "必须设定办理时限"),
        (
            FlowAction.ASSIGN,
            ActionArgs(target_unit_id=7, deadline=NOW - timedelta(minutes=1)),
            "办理时限不能早于当前时间",
        ),
        (FlowAction.ASSIGN, ActionArgs(target_unit_id=7, deadline=NOW), "不能早于当前时间"),
        (FlowAction.ASSIST, ActionArgs(target_unit_id=99), "所选协办单位不存在"),
        (FlowAction.ASSIST, ActionArgs(), "必须选择协办单位"),
        (
            FlowAction.SUPERVISE,
            ActionArgs(supervision=SupervisionLevel.NONE, opinion="x"),
            "必须选择督办级别",
        ),
        (FlowAction.SUPERVISE, ActionArgs(supervision=SupervisionLevel.RED), "必须填写督办意见"),
        (FlowAction.CLOSE, ActionArgs(account="已化解"), "必须注明是否化解成功"),
        (FlowAction.CLOSE, ActionArgs(success=False, account="   "), "必须填写化解情况"),
        (FlowAction.EVALUATE, ActionArgs(opinion="很好"), "必须选择满意度"),
        (FlowAction.VOID, ActionArgs(opinion=" \n"), "必须填写作废原因"),
        (FlowAction.REJECT, ActionArgs(), "必须填写不予受理理由"),
        (FlowAction.SUSPEND, ActionArgs(), "必须填写挂起原因"),
        (FlowAction.FEEDBACK, ActionArgs(), "必须填写办理情况"),
        (FlowAction.RETURN, ActionArgs(opinion="长" * 2001), "意见不能超过2000字"),
    ],
)
def test_each_argument_rule_is_refused_in_words(
    action: FlowAction, args: ActionArgs, words: str
) -> None:
    reasons = case_flow.check_arguments(action, args, now=NOW, unit_ids=UNITS)
    assert any(words in r for r in reasons), reasons


def test_unknown_units_are_not_checked_without_a_list() -> None:
    args = ActionArgs(target_unit_id=99, deadline=NOW + timedelta(days=1))
    assert case_flow.check_arguments(FlowAction.ASSIGN, args, now=NOW) == ()


def test_refusals_put_role_and_state_before_arguments() -> None:
    bad = ActionArgs()
    assert case_flow.refusals(
        CaseState.REVIEW, FlowAction.CLOSE, Role.DUTY_OFFICER, bad, now=NOW
    ) == ("角色“值班员”无权执行“办结”",)
    assert case_flow.refusals(
        CaseState.CLOSED, FlowAction.ASSIGN, Role.SUPERVISOR, bad, now=NOW
    ) == ("案件处于“办结”状态，不能执行“交办”",)
    assert (
        len(
            case_flow.refusals(CaseState.ACCEPTED, FlowAction.ASSIGN, Role.SUPERVISOR, bad, now=NOW)
        )
        == 2
    )
    good = GOOD_ARGS[FlowAction.ASSIGN]
    assert (
        case_flow.refusals(
            CaseState.ACCEPTED, FlowAction.ASSIGN, Role.DUTY_OFFICER, good, now=NOW, unit_ids=UNITS
        )
        == ()
    )


def test_next_state_with_arguments_refuses_every_broken_rule() -> None:
    with pytest.raises(case_flow.ActionRefused) as refused:
        next_state(CaseState.REVIEW, FlowAction.CLOSE, Role.SUPERVISOR, args=ActionArgs(), now=NOW)
    assert len(refused.value.reasons) == 2
    assert "；" in str(refused.value)
    step = next_state(
        CaseState.REVIEW,
        FlowAction.CLOSE,
        Role.SUPERVISOR,
        args=GOOD_ARGS[FlowAction.CLOSE],
        now=NOW,
    )
    assert step.after is CaseState.CLOSED
    with pytest.raises(ValueError, match="current time"):
        next_state(CaseState.REVIEW, FlowAction.CLOSE, Role.SUPERVISOR, args=ActionArgs())


def test_step_opinion_leads_with_the_result() -> None:
    close = ActionArgs(success=False, account="一方拒绝调解", opinion="移交法院")
    assert case_flow.step_opinion(FlowAction.CLOSE, close) == "化解不成功：一方拒绝调解；移交法院"
    evaluate = ActionArgs(satisfaction=Satisfaction.FAIRLY_SATISFIED)
    assert case_flow.step_opinion(FlowAction.EVALUATE, evaluate) == "基本满意"
    assert case_flow.step_opinion(FlowAction.VOID, ActionArgs(opinion=" 重复 ")) == "重复"
