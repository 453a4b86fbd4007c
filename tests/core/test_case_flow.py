"""Every legal and illegal case-flow transition, for every role."""

from __future__ import annotations

import pytest

from console.core import case_flow
from console.core.case_flow import IllegalTransition, next_state
from console.core.codes import CaseState, FlowAction, Role


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
