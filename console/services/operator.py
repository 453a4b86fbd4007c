"""Who is signed in: the initiator of every change and the actor of every audit row."""

from __future__ import annotations

from dataclasses import dataclass

from console.core.codes import Role
from console.core.records import UserRecord


@dataclass(frozen=True, slots=True)
class Operator:
    user: UserRecord

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def name(self) -> str:
        return self.user.display_name
