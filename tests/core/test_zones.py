"""Zone rules: polygon checks, the stored JSON form, sensitivity thresholds, who may edit."""

from __future__ import annotations

import pytest

from console.core.codes import Role
from console.core.zones import (
    MAX_POINTS,
    ZoneProblem,
    may_edit_zones,
    may_lift_masks,
    motion_threshold,
    points_from_json,
    points_to_json,
    polygon_area,
    validate_polygon,
    validate_sensitivity,
)


def test_a_good_polygon_round_trips_through_json() -> None:
    square = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5), (0.1, 0.5))
    text = points_to_json(square)
    assert text == "[[0.1,0.1],[0.5,0.1],[0.5,0.5],[0.1,0.5]]"
    assert points_from_json(text) == square
    assert polygon_area(square) == pytest.approx(0.16)
    assert validate_polygon([[0, 0], [1, 0], [1, 1]]) == ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0))


@pytest.mark.parametrize(
    "points",
    [
        [(0.1, 0.1), (0.5, 0.5)],  # too few
        [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)],  # a line
        [(0.1, 0.1), (0.1, 0.1), (0.1, 0.1)],  # one point
        [(0.1, 0.1), (0.12, 0.1), (0.11, 0.12)],  # a speck
        [(0.0, 0.0), (1.2, 0.0), (0.0, 1.0)],  # off the picture
        [(0.0, 0.0), (float("nan"), 0.0), (0.0, 1.0)],
        [(0.0, 0.0, 0.0), (1.0, 0.0), (0.0, 1.0)],
        [("a", 0.0), (1.0, 0.0), (0.0, 1.0)],
        "[[0,0],[1,0],[0,1]]",
        [(i / 40, (i % 2) * 0.9) for i in range(MAX_POINTS + 1)],  # too many
    ],
)
def test_bad_polygons_are_refused(points: object) -> None:
    with pytest.raises(ZoneProblem):
        validate_polygon(points)


def test_corrupt_json_is_a_zone_problem() -> None:
    with pytest.raises(ZoneProblem):
        points_from_json("[[0,0],[1,0]")


def test_sensitivity_maps_to_a_falling_threshold() -> None:
    assert motion_threshold(1) == pytest.approx(0.5)
    assert motion_threshold(100) == pytest.approx(0.005)
    steps = [motion_threshold(s) for s in range(1, 101)]
    assert steps == sorted(steps, reverse=True)
    assert validate_sensitivity(50) == 50
    for bad in (0, 101):
        with pytest.raises(ZoneProblem):
            validate_sensitivity(bad)


def test_only_supervisors_and_admins_edit_zones_and_lift_masks() -> None:
    allowed = {Role.SUPERVISOR, Role.ADMIN}
    for role in Role:
        assert may_edit_zones(role) is (role in allowed)
        assert may_lift_masks(role) is (role in allowed)
