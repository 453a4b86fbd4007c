"""Mediation room seating on the signalling server: lobby, admission, caucus, who may talk to whom.

Pure state, no I/O: the server asks, then sends. A room exists while anyone sits in it.
The host (a mediator or supervisor) is admitted on joining and admits the others from
the lobby. During a caucus (背靠背) the host and the named participants form one group
and everyone else another: media is relayed only within a group, so the waiting side
receives none of the caucus media.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.core.room_rules import missing_consent


class RoomRefused(Exception):
    """A room operation that the rules do not allow; `reason` is for the error message."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Sharing:
    """A host's video shows their screen or a document page instead of their camera."""

    sid: str
    kind: str
    title: str = ""


@dataclass
class Room:
    id: str
    hosts: set[str] = field(default_factory=set)
    admitted: dict[str, str] = field(default_factory=dict)
    """Session id → name, in the order they were admitted."""
    lobby: dict[str, str] = field(default_factory=dict)
    caucus: set[str] = field(default_factory=set)
    """Participants (not hosts) taken into the private caucus; empty: everyone together."""
    roles: dict[str, str] = field(default_factory=dict)
    consent: set[str] = field(default_factory=set)
    """Who consented to recording (every admitted person must, for it to run)."""
    epoch: dict[str, int] = field(default_factory=dict)
    spotlight: str | None = None
    sharing: Sharing | None = None
    recording: bool = False
    backend: str = "mesh"
    """How media travel: "mesh" (peer to peer through us) or "janus" (a media server)."""
    publishers: int = 0
    """A Janus room's publisher limit (everyone admitted publishes); 0: no limit set."""

    def name_of(self, sid: str) -> str:
        return self.admitted.get(sid) or self.lobby.get(sid) or sid

    def label(self, sid: str) -> str:
        """The name as messages carry it (protocol Name: 1 to 100 characters)."""
        return self.name_of(sid)[:100] or "?"

    def not_consenting(self) -> list[str]:
        """Names of admitted people whose consent is missing, in admission order."""
        return missing_consent(
            (name, True, sid in self.consent) for sid, name in self.admitted.items()
        )

    def members(self) -> set[str]:
        return set(self.admitted) | set(self.lobby)

    def group_of(self, sid: str) -> str:
        if not self.caucus:
            return "all"
        return "caucus" if sid in self.caucus or sid in self.hosts else "main"

    def may_relay(self, sender: str, receiver: str) -> bool:
        return (
            sender != receiver
            and sender in self.admitted
            and receiver in self.admitted
            and self.group_of(sender) == self.group_of(receiver)
        )

    def janus_group(self, sid: str) -> str:
        """The Janus room `sid`'s media go through: "caucus", or "main" (also with no caucus)."""
        return "caucus" if self.group_of(sid) == "caucus" else "main"

    def janus_groups(self) -> dict[str, set[str]]:
        """Admitted people by the Janus room their media go through."""
        groups: dict[str, set[str]] = {}
        for sid in self.admitted:
            groups.setdefault(self.janus_group(sid), set()).add(sid)
        return groups

    def peers_of(self, sid: str) -> list[str]:
        """Whom `sid` exchanges media with now (the order they were admitted)."""
        return [other for other in self.admitted if self.may_relay(sid, other)]

    def sharing_for(self, sid: str) -> Sharing | None:
        """The share `sid` sees: its own, or one whose video reaches it (not across a caucus)."""
        share = self.sharing
        if share is None or not (share.sid == sid or self.may_relay(share.sid, sid)):
            return None
        return share


class RoomBook:
    """Every live room of one server."""

    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.seat: dict[str, str] = {}
        """Session id → the room it sits in (one room at a time)."""

    def room_of(self, sid: str) -> Room | None:
        room_id = self.seat.get(sid)
        return self.rooms.get(room_id) if room_id is not None else None

    def join(
        self,
        room_id: str,
        sid: str,
        name: str,
        *,
        host: bool,
        role: str = "party",
        consent: bool = False,
        admit: bool = False,
    ) -> tuple[Room, str]:
        """Seat `sid`: hosts (and `admit`: a seat restored from the store) are admitted at
        once, everyone else waits in the lobby. Also says why recording paused, if it did."""
        current = self.seat.get(sid)
        if current is not None and current != room_id:
            raise RoomRefused("conflict", "leave your current room first")
        room = self.rooms.setdefault(room_id, Room(room_id))
        self.seat[sid] = room_id
        room.roles[sid] = role
        room.epoch.setdefault(sid, 0)
        if consent:
            room.consent.add(sid)
        else:
            room.consent.discard(sid)
        paused = ""
        if host:
            room.hosts.add(sid)
            room.lobby.pop(sid, None)
            room.admitted[sid] = name
            paused = self._pause_for(room, sid)
        elif sid in room.admitted or admit:
            room.lobby.pop(sid, None)
            room.admitted[sid] = name
            paused = self._pause_for(room, sid)
        else:
            room.lobby[sid] = name
        return room, paused

    @staticmethod
    def _pause_for(room: Room, sid: str) -> str:
        """A new admitted person without consent pauses the recording until they consent."""
        if room.recording and sid not in room.consent:
            room.recording = False
            return f"paused: {room.name_of(sid)} has not consented to recording"
        return ""

    def _hosted(self, host: str, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None or host not in room.hosts:
            raise RoomRefused("forbidden", "only the room's mediator may do that")
        return room

    def admit(self, host: str, room_id: str, sid: str) -> tuple[Room, str]:
        room = self._hosted(host, room_id)
        if sid not in room.lobby:
            raise RoomRefused("not_found", "that participant is not waiting in the lobby")
        if room.publishers and len(room.admitted) >= room.publishers:
            raise RoomRefused(
                "conflict", f"the room is full: its media server takes {room.publishers} people"
            )
        room.admitted[sid] = room.lobby.pop(sid)
        return room, self._pause_for(room, sid)

    def set_consent(self, sid: str, room_id: str, on: bool) -> tuple[Room, str]:
        room = self.rooms.get(room_id)
        if room is None or sid not in room.members():
            raise RoomRefused("not_found", "you are not in that room")
        if on:
            room.consent.add(sid)
            return room, ""
        room.consent.discard(sid)
        if room.recording and sid in room.admitted:
            room.recording = False
            return room, f"stopped: {room.name_of(sid)} withdrew consent to recording"
        return room, ""

    def set_recording(self, host: str, room_id: str, on: bool) -> Room:
        room = self._hosted(host, room_id)
        missing = room.not_consenting()
        if on and missing:
            raise RoomRefused(
                "forbidden", "recording needs everyone's consent; missing: " + ", ".join(missing)
            )
        room.recording = on
        return room

    def set_spotlight(self, host: str, room_id: str, sid: str | None) -> Room:
        room = self._hosted(host, room_id)
        if sid is not None and sid not in room.admitted:
            raise RoomRefused("not_found", "that participant is not admitted")
        room.spotlight = sid
        return room

    def set_sharing(self, host: str, room_id: str, on: bool, kind: str, title: str) -> Room:
        """The host's video shows a screen or document now (`on`), or its camera again."""
        room = self._hosted(host, room_id)
        if on:
            room.sharing = Sharing(host, kind, title)
        elif room.sharing is not None and room.sharing.sid == host:
            room.sharing = None
        return room

    def reconnected(self, sid: str) -> Room | None:
        """`sid` came back on a new connection: its peers rebuild their connections to it."""
        room = self.room_of(sid)
        if room is not None:
            room.epoch[sid] = room.epoch.get(sid, 0) + 1
        return room

    def group_members(self, sid: str) -> list[str]:
        """The admitted people in `sid`'s group (itself included): who reads its chat."""
        room = self.room_of(sid)
        if room is None or sid not in room.admitted:
            raise RoomRefused("not_found", "you are not admitted to a room")
        group = room.group_of(sid)
        return [other for other in room.admitted if room.group_of(other) == group]

    def remove(self, host: str, room_id: str, sid: str) -> Room:
        room = self._hosted(host, room_id)
        if sid in room.hosts or sid not in room.members():
            raise RoomRefused("not_found", "that participant is not in this room")
        self._unseat(room, sid)
        return room

    def set_caucus(self, host: str, room_id: str, sids: list[str]) -> Room:
        room = self._hosted(host, room_id)
        chosen = set(sids)
        if not chosen <= set(room.admitted) - room.hosts:
            raise RoomRefused("not_found", "a caucus takes admitted participants only")
        room.caucus = chosen
        return room

    def check_host(self, host: str, room_id: str, sid: str) -> Room:
        room = self._hosted(host, room_id)
        if sid not in room.admitted:
            raise RoomRefused("not_found", "that participant is not admitted")
        return room

    def leave(self, sid: str) -> Room | None:
        """`sid` leaves its room (if any); returns the room it left."""
        room = self.room_of(sid)
        if room is not None:
            self._unseat(room, sid)
        return room

    def _unseat(self, room: Room, sid: str) -> None:
        room.admitted.pop(sid, None)
        room.lobby.pop(sid, None)
        room.hosts.discard(sid)
        room.caucus.discard(sid)
        room.consent.discard(sid)
        room.roles.pop(sid, None)
        room.epoch.pop(sid, None)
        if room.spotlight == sid:
            room.spotlight = None
        if room.sharing is not None and room.sharing.sid == sid:
            room.sharing = None
        self.seat.pop(sid, None)
        if not room.members():
            del self.rooms[room.id]
