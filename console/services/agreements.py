"""Agreement use cases: draft from a case, edit, sign, verify, export to PDF, conclude, follow up.

Every write is audited and returns its change set through the store; refusals are
`AgreementRefused` from `core.agreement`, with a stable code for the citizen page.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from console.core import agreement as ag
from console.core.agreement import (
    AgreementContent,
    AgreementRecord,
    AgreementRefused,
    FollowUpRecord,
    SignatureRecord,
    Verification,
)
from console.core.clock import utcnow
from console.core.codes import (
    AuditAction,
    Channel,
    FlowAction,
    JudicialConfirmState,
    MediaKind,
    MediationOutcome,
    SignerRole,
)
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.services import agreement_pdf
from console.services.operator import Operator
from console.store.repos import agreements, audit, media_assets
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store


@dataclass(frozen=True, slots=True)
class ExportedPdf:
    path: Path
    sha256: str
    size_bytes: int
    media_asset_id: int


def _detail(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


class AgreementService:
    """The agreements of one console; `operator` on a method overrides the signed-in one."""

    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    def _who(self, operator: Operator | None) -> Operator:
        return operator or self.operator

    def _audit(  # type: ignore[no-untyped-def]
        self, session, who: Operator, action: AuditAction, agreement_id: int, detail: str
    ) -> None:
        audit.append(
            session,
            actor_id=who.id,
            action=action,
            target_kind="agreement",
            target_id=agreement_id,
            detail=detail,
        )

    # --- reads

    async def get(self, agreement_id: int) -> AgreementRecord:
        return await self.store.read(partial(agreements.get, agreement_id=agreement_id))

    async def current_for_case(self, case_id: int) -> AgreementRecord | None:
        def query(session):  # type: ignore[no-untyped-def]
            found = agreements.current_for_case(session, case_id)
            return agreements.get(session, found) if found is not None else None

        return await self.store.read(query)

    async def verify(self, agreement_id: int) -> Verification:
        return await self.store.read(partial(agreements.verify, agreement_id=agreement_id))

    async def problems(self, agreement_id: int) -> dict[str, str]:
        """What must still be filled in before anyone can sign (empty: ready)."""
        record = await self.get(agreement_id)
        return ag.validate(record.content, utcnow().date())

    async def follow_ups_due(self, before: datetime | None = None) -> list[FollowUpRecord]:
        return await self.store.read(partial(agreements.follow_ups_due, before=before or utcnow()))

    # --- writes

    def draft_for_case_sync(
        self, case_id: int, room_id: int | None, operator: Operator | None = None
    ) -> AgreementRecord:
        return self.store.write_sync(partial(self._draft, case_id, room_id, self._who(operator)))[0]

    async def draft_for_case(
        self, case_id: int, room_id: int | None, operator: Operator | None = None
    ) -> AgreementRecord:
        """The case's current agreement, or a new draft filled from the case and its parties."""
        record, _ = await self.store.write(
            partial(self._draft, case_id, room_id, self._who(operator))
        )
        return record

    def _draft(self, case_id: int, room_id: int | None, who: Operator, session):  # type: ignore[no-untyped-def]
        agreement_id, created = agreements.draft_for_case(
            session, case_id, room_id, who.id, utcnow()
        )
        record = agreements.get(session, agreement_id)
        if not created:
            return record, None
        self._audit(
            session,
            who,
            AuditAction.AGREEMENT_CHANGED,
            agreement_id,
            _detail(op="drafted", number=record.content.number, case=case_id, room=room_id),
        )
        return record, ChangeSet(
            Operation.AGREEMENT_DRAFTED,
            who.id,
            (change(Entity.AGREEMENT, ChangeAction.CREATED, agreement_id),),
        )

    async def update(
        self, agreement_id: int, content: AgreementContent, operator: Operator | None = None
    ) -> AgreementRecord:
        """Save edited fields; refused once anyone has signed."""
        who = self._who(operator)

        def op(session):  # type: ignore[no-untyped-def]
            sha, added = agreements.update(session, agreement_id, content, utcnow())
            self._audit(
                session,
                who,
                AuditAction.AGREEMENT_CHANGED,
                agreement_id,
                _detail(op="edited", sha256=sha),
            )
            changes = [change(Entity.AGREEMENT, ChangeAction.UPDATED, agreement_id)]
            if added:
                changes.append(change(Entity.PARTY, ChangeAction.CREATED, *added))
            return agreements.get(session, agreement_id), ChangeSet(
                Operation.AGREEMENT_EDITED, who.id, tuple(changes)
            )

        record, _ = await self.store.write(op)
        return record

    async def sign(
        self,
        agreement_id: int,
        signer_key: str,
        signer_name: str,
        role: SignerRole | None,
        image_png: bytes,
        content_sha256_seen: str,
        operator: Operator | None = None,
    ) -> SignatureRecord:
        """Add one signature of the content hash the signer saw; audited with both hashes.

        `role`, when given, must be the signer's role on the agreement (a party's page
        cannot sign for the mediator).
        """
        who = self._who(operator)

        def op(session):  # type: ignore[no-untyped-def]
            if role is not None:
                record = agreements.get(session, agreement_id)
                expected = ag.expected_signers(record.content).get(signer_key)
                if expected is not None and expected is not role:
                    raise AgreementRefused(
                        ag.UNKNOWN_SIGNER,
                        f"签署人身份不符：应为{expected.zh} "
                        f"(the signer is a {expected.en.lower()})",
                    )
            sig, completed = agreements.sign(
                session,
                agreement_id,
                signer_key=signer_key,
                signer_name=signer_name,
                image=image_png,
                content_sha256_seen=content_sha256_seen,
                now=utcnow(),
            )
            self._audit(
                session,
                who,
                AuditAction.AGREEMENT_SIGNED,
                agreement_id,
                _detail(
                    signer=signer_key,
                    name=sig.signer_name,
                    role=sig.role.code,
                    image_sha256=sig.image_sha256,
                    content_sha256=sig.content_sha256,
                    complete=completed,
                ),
            )
            return sig, ChangeSet(
                Operation.AGREEMENT_SIGNED,
                who.id,
                (change(Entity.AGREEMENT, ChangeAction.UPDATED, agreement_id),),
                extra=(("fully_signed", "1" if completed else "0"),),
            )

        sig, _ = await self.store.write(op)
        return sig

    async def sign_as_mediator(
        self,
        agreement_id: int,
        image_png: bytes,
        content_sha256_seen: str,
        operator: Operator | None = None,
    ) -> SignatureRecord:
        """The signed-in mediator signs at the console (drawn on the pad)."""
        who = self._who(operator)
        return await self.sign(
            agreement_id,
            ag.mediator_key(who.id),
            who.name,
            SignerRole.MEDIATOR,
            image_png,
            content_sha256_seen,
            who,
        )

    async def export_pdf(
        self, agreement_id: int, path: Path, operator: Operator | None = None
    ) -> ExportedPdf:
        """Write the PDF, keep it as a document of the case (with its sha256), audit the export."""
        who = self._who(operator)

        def load(session):  # type: ignore[no-untyped-def]
            return agreements.get(session, agreement_id), agreements.signature_images(
                session, agreement_id
            )

        record, images = await self.store.read(load)
        sha = await asyncio.to_thread(agreement_pdf.write_pdf, record, images, path)
        size = path.stat().st_size

        def op(session):  # type: ignore[no-untyped-def]
            now = utcnow()
            asset = media_assets.add(
                session,
                NewMediaAsset(
                    kind=MediaKind.DOCUMENT,
                    path=path,
                    sha256=sha,
                    size_bytes=size,
                    source=f"人民调解协议书 {record.content.number}",
                    created_by=who.id,
                    created_at=now,
                    case_id=record.content.case_id,
                    room_id=record.content.room_id,
                ),
            )
            self._audit(
                session,
                who,
                AuditAction.EXPORT,
                agreement_id,
                _detail(
                    number=record.content.number,
                    asset=asset.id,
                    sha256=sha,
                    content_sha256=record.content_sha256,
                    signatures=len(record.signatures),
                ),
            )
            return asset.id, ChangeSet(
                Operation.AGREEMENT_EXPORTED,
                who.id,
                (change(Entity.MEDIA_ASSET, ChangeAction.CREATED, asset.id),),
            )

        asset_id, _ = await self.store.write(op)
        return ExportedPdf(path, sha, size, asset_id)

    async def record_outcome(
        self,
        agreement_id: int,
        outcome: MediationOutcome,
        *,
        channel: Channel | None = None,
        note: str = "",
        operator: Operator | None = None,
    ) -> tuple[FlowAction, ...]:
        """Success (fully signed) or failure referred to `channel`; moves the case to 反馈."""
        who = self._who(operator)

        def op(session):  # type: ignore[no-untyped-def]
            case_id = agreements.get(session, agreement_id).content.case_id
            actions = agreements.record_outcome(
                session,
                agreement_id,
                outcome=outcome,
                channel=channel,
                note=note,
                actor_id=who.id,
                role=who.role,
                unit_id=who.user.unit_id,
                now=utcnow(),
            )
            self._audit(
                session,
                who,
                AuditAction.MEDIATION_OUTCOME,
                agreement_id,
                _detail(
                    outcome=outcome.code,
                    channel=channel.code if channel else None,
                    case=case_id,
                    flow=[a.code for a in actions],
                ),
            )
            for action in actions:
                audit.append(
                    session,
                    actor_id=who.id,
                    action=AuditAction.CASE_CHANGED,
                    target_kind="case",
                    target_id=case_id,
                    detail=action.code,
                )
            return actions, ChangeSet(
                Operation.MEDIATION_CONCLUDED,
                who.id,
                (
                    change(Entity.AGREEMENT, ChangeAction.UPDATED, agreement_id),
                    change(Entity.CASE, ChangeAction.UPDATED, case_id),
                    change(Entity.FLOW_STEP, ChangeAction.CREATED, case_id),
                ),
            )

        actions, _ = await self.store.write(op)
        return actions

    async def set_judicial_state(
        self, agreement_id: int, state: JudicialConfirmState, operator: Operator | None = None
    ) -> None:
        who = self._who(operator)

        def op(session):  # type: ignore[no-untyped-def]
            agreements.set_judicial_state(session, agreement_id, state)
            self._audit(
                session,
                who,
                AuditAction.AGREEMENT_CHANGED,
                agreement_id,
                _detail(op="judicial", state=state.code),
            )
            return None, ChangeSet(
                Operation.AGREEMENT_EDITED,
                who.id,
                (change(Entity.AGREEMENT, ChangeAction.UPDATED, agreement_id),),
            )

        await self.store.write(op)

    async def mark_follow_up_done(
        self, follow_up_id: int, note: str = "", operator: Operator | None = None
    ) -> None:
        who = self._who(operator)

        def op(session):  # type: ignore[no-untyped-def]
            agreement_id = agreements.mark_follow_up_done(session, follow_up_id, note, utcnow())
            self._audit(
                session,
                who,
                AuditAction.AGREEMENT_CHANGED,
                agreement_id,
                _detail(op="follow_up", follow_up=follow_up_id, note=note.strip()),
            )
            return None, ChangeSet(
                Operation.FOLLOW_UP_DONE,
                who.id,
                (change(Entity.AGREEMENT, ChangeAction.UPDATED, agreement_id),),
            )

        await self.store.write(op)
