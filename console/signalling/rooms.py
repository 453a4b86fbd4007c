"""Mediation room seating on the signalling server: lobby, admission, caucus, who may talk to whom.

Pure state, no I/O: the server asks, then sends. A room exists while anyone sits in it.
The host (a mediator or supervisor) is admitted on joining and admits the others from
the lobby. During a caucus (背靠背) the host and the named participants form one group
and everyone else another: media is relayed only within a group, so the waiting side
receives none of the caucus media.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RoomRefused(Exception):
    """A room operation that the rules do not allow; `reason` is for the error message."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class Room:
    id: str
    hosts: set[str] = field(default_factory=set)
    admitted: dict[str, str] = field(default_factory=dict)
    """Session id → name, in the order they were admitted."""
    lobby: dict[str, str] = field(default_factory=dict)
    caucus: set[str] = field(default_factory=set)
    """Participants (not hosts) taken into the private caucus; empty: everyone together."""

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

    def peers_of(self, sid: str) -> list[str]:
        """Whom `sid` exchanges media with now (the order they were admitted)."""
        return [other for other in self.admitted if self.may_relay(sid, other)]


class RoomBook:
    """Every live room of one server."""

    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.seat: dict[str, str] = {}
        """Session id → the room it sits in (one room at a time)."""

    def room_of(self, sid: str) -> Room | None:
        room_id = self.seat.get(sid)
        return self.rooms.get(room_id) if room_id is not None else None

    def join(self, room_id: str, sid: str, name: str, *, host: bool) -> Room:
        """Seat `sid`: hosts are admitted at once, everyone else waits in the lobby."""
        current = self.seat.get(sid)
        if current is not None and current != room_id:
            raise RoomRefused("conflict", "leave your current room first")
        room = self.rooms.setdefault(room_id, Room(room_id))
        self.seat[sid] = room_id
        if host:
            room.hosts.add(sid)
            room.lobby.pop(sid, None)
            room.admitted[sid] = name
        elif sid not in room.admitted:
            room.lobby[sid] = name
        return room

    def _hosted(self, host: str, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None or host not in room.hosts:
            raise RoomRefused("forbidden", "only the room's mediator may do that")
        return room

    def admit(self, host: str, room_id: str, sid: str) -> Room:
        room = self._hosted(host, room_id)
        if sid not in room.lobby:
            raise RoomRefused("not_found", "that participant is not waiting in the lobby")
        room.admitted[sid] = room.lobby.pop(sid)
        return room

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
        self.seat.pop(sid, None)
        if not room.members():
            del self.rooms[room.id]
