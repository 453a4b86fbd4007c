"""The use cases behind the assessment screen, opened together for one signed-in operator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from console.services.case_actions import CaseActions
from console.services.cases import CaseService
from console.services.evidence_timeline import EvidenceTimelineService
from console.services.map_data import MapDataService
from console.services.operator import Operator
from console.services.statistics import StatisticsService
from console.store.store import Store


@dataclass(frozen=True, slots=True)
class AssessmentServices:
    cases: CaseService
    actions: CaseActions
    evidence: EvidenceTimelineService
    map_data: MapDataService
    statistics: StatisticsService

    @classmethod
    def open(
        cls,
        store: Store,
        operator: Operator,
        *,
        geojson: Path | None = None,
        tile_url: str | None = None,
    ) -> AssessmentServices:
        cases = CaseService(store, operator)
        return cls(
            cases=cases,
            actions=CaseActions(store, operator, cases),
            evidence=EvidenceTimelineService(store, operator),
            map_data=MapDataService(store, geojson, tile_url),
            statistics=StatisticsService(store),
        )
