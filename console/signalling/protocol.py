"""The signalling protocol, version 1: every message as a validated pydantic model.

One JSON object per WebSocket text frame: `{"v": 1, "type": "...", "id": "...", ...}`.
`id` is the sender's message id (unique per connection); replies and errors name it in
`ref`. This module is the one source of truth: the JSON Schema under
`resources/signalling/` is generated from it (`python -m console.signalling.schema`).

Who may send what:
- staff (duty officers, mediators, supervisors, with a signed staff token) and citizens
  (with a token bound to one queue ticket or one room invitation) both start with `hello`;
- `call.request` only from a citizen holding a ticket token; `call.accept`, `call.decline`,
  `call.hold`, `call.transfer`, `call.callback`, `call.recording`, `presence.set` only from
  staff; `call.recording` is refused (`forbidden`) when the caller did not consent to
  recording, and echoed to both ends when the server accepts it;
- `room.admit`, `room.remove`, `room.mute`, `room.caucus`, `room.spotlight`,
  `room.recording`, `room.agreement`, `room.share` only from the room's mediator (a mediator
  or supervisor who joined it); the muted participant receives the `room.mute`; a share
  shows in `room.state` (`sharing`) until stopped or its sharer leaves; `room.recording` is
  refused while anyone admitted has not consented, and pauses by itself when such a person
  is admitted; `room.chat` reaches the sender's group only (caucus or main room);
  `room.sign` from an admitted participant reaches the room's hosts as `room.signed`;
- `sdp.offer`, `sdp.answer`, `ice.candidate` only between the two ends of one call or
  room seat pair; the server relays them and never reads the SDP.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

VERSION = 1
MAX_MESSAGE_BYTES = 64 * 1024
"""A full SDP offer with many candidates is ~10 KB; anything far larger is abuse."""

Id = Annotated[str, Field(min_length=1, max_length=64)]
Text = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class ErrorCode(enum.Enum):
    """Stable codes: clients switch on these, never on the message text."""

    BAD_JSON = "bad_json"
    TOO_LARGE = "too_large"
    BAD_MESSAGE = "bad_message"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    NOT_AUTHENTICATED = "not_authenticated"
    BAD_TOKEN = "bad_token"
    TOKEN_EXPIRED = "token_expired"
    FORBIDDEN = "forbidden"
    OUT_OF_ORDER = "out_of_order"
    RATE_LIMITED = "rate_limited"
    TOO_MANY_CONNECTIONS = "too_many_connections"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INTERNAL = "internal"


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = 1
    id: Id


class StaffState(enum.Enum):
    AVAILABLE = "available"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    AWAY = "away"


# --- connection ---------------------------------------------------------------------------


class Hello(_Msg):
    type: Literal["hello"] = "hello"
    token: Annotated[str, Field(min_length=10, max_length=2048)]
    resume: Id | None = None
    """The session id of an earlier connection, to resume its queue place or room seat."""
    client: Annotated[str, Field(max_length=100)] = ""


class Welcome(_Msg):
    type: Literal["welcome"] = "welcome"
    ref: Id
    session: Id
    role: str
    resumed: bool
    heartbeat_s: float
    server_time: float
    user: Annotated[str, Field(max_length=64)] = ""
    """The token's subject (a staff user id): how a console recognises its own presence."""


class Ping(_Msg):
    type: Literal["ping"] = "ping"


class Pong(_Msg):
    type: Literal["pong"] = "pong"
    ref: Id


class Bye(_Msg):
    type: Literal["bye"] = "bye"


class Error(_Msg):
    type: Literal["error"] = "error"
    ref: Id | None = None
    code: ErrorCode
    message: Text


class PresenceSet(_Msg):
    type: Literal["presence.set"] = "presence.set"
    state: StaffState
    wrap_up: bool | None = None
    """True: after each call the server puts this officer in wrap-up (never rung) until the
    officer sets `available` again; False: straight back to available. None: unchanged."""


class Presence(_Msg):
    type: Literal["presence"] = "presence"
    user: Id
    name: Name
    state: StaffState


# --- intake queue -------------------------------------------------------------------------


class CallRequest(_Msg):
    """A citizen joins the queue (their token names the ticket)."""

    type: Literal["call.request"] = "call.request"
    category: Annotated[str, Field(max_length=32)]
    name: Name
    phone: Annotated[str, Field(max_length=32)] = ""
    vulnerable: bool = False
    recording_consent: bool


class QueuePosition(_Msg):
    type: Literal["queue.position"] = "queue.position"
    ticket: Id
    position: Annotated[int, Field(ge=1)]
    estimated_wait_s: Annotated[float, Field(ge=0)]


class QueueEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ticket: Id
    name: Name
    category: str
    priority: int
    waited_s: float
    state: str


class QueueSnapshot(_Msg):
    """The whole queue, as staff see it (sent on connect and on every change)."""

    type: Literal["queue.snapshot"] = "queue.snapshot"
    entries: list[QueueEntry]


class CallRing(_Msg):
    type: Literal["call.ring"] = "call.ring"
    ticket: Id
    name: Name
    category: str
    phone: Annotated[str, Field(max_length=32)] = ""
    vulnerable: bool = False
    recording_consent: bool = False
    """What the caller said in `call.request` (staff only see this; the queue shows less)."""


class CallAccept(_Msg):
    type: Literal["call.accept"] = "call.accept"
    ticket: Id


class CallAccepted(_Msg):
    type: Literal["call.accepted"] = "call.accepted"
    ticket: Id
    officer: Name
    peer: Id
    """The other end's session id: address SDP and candidates to it."""
    recording: bool = False
    """Recording is on (sent again when a session resumes mid-call)."""


class CallDecline(_Msg):
    type: Literal["call.decline"] = "call.decline"
    ticket: Id
    reason: Text = ""


class CallHold(_Msg):
    type: Literal["call.hold"] = "call.hold"
    ticket: Id
    on: bool


class CallHeld(_Msg):
    type: Literal["call.held"] = "call.held"
    ticket: Id
    on: bool


class CallTransfer(_Msg):
    type: Literal["call.transfer"] = "call.transfer"
    ticket: Id
    to_user: Id | None = None
    to_room: Id | None = None


class CallHangup(_Msg):
    type: Literal["call.hangup"] = "call.hangup"
    ticket: Id
    reason: Text = ""


class CallEnded(_Msg):
    type: Literal["call.ended"] = "call.ended"
    ticket: Id
    reason: Text


class CallRecording(_Msg):
    """Staff -> server: start/stop recording; server -> both ends: it is now on/off."""

    type: Literal["call.recording"] = "call.recording"
    ticket: Id
    on: bool


class CallMoved(_Msg):
    """To the citizen: the officer moved the call into a mediation room; rejoin with `invite`
    (a token bound to that room) and wait in its lobby, without hanging up."""

    type: Literal["call.moved"] = "call.moved"
    ticket: Id
    room: Id
    invite: Annotated[str, Field(min_length=10, max_length=2048)]


class CallCallback(_Msg):
    type: Literal["call.callback"] = "call.callback"
    ticket: Id


# --- rooms --------------------------------------------------------------------------------


class RoomJoin(_Msg):
    """A participant asks to join (their invitation token names the room and seat)."""

    type: Literal["room.join"] = "room.join"
    name: Name
    room: Id | None = None
    """Staff name the room; a citizen's invitation token names it (and must agree)."""
    recording_consent: bool = False


class RoomLobby(_Msg):
    """To the mediator: someone waits in the lobby."""

    type: Literal["room.lobby"] = "room.lobby"
    room: Id
    participant: Id
    name: Name


class RoomAdmit(_Msg):
    type: Literal["room.admit"] = "room.admit"
    room: Id
    participant: Id


class RoomAdmitted(_Msg):
    type: Literal["room.admitted"] = "room.admitted"
    room: Id
    participant: Id
    peers: list[Id]


class RoomLeave(_Msg):
    type: Literal["room.leave"] = "room.leave"
    room: Id


class RoomRemove(_Msg):
    type: Literal["room.remove"] = "room.remove"
    room: Id
    participant: Id


class RoomMute(_Msg):
    type: Literal["room.mute"] = "room.mute"
    room: Id
    participant: Id
    audio: bool
    video: bool


class RoomCaucus(_Msg):
    """Take these participants into a private caucus; an empty list returns everyone."""

    type: Literal["room.caucus"] = "room.caucus"
    room: Id
    participants: Annotated[list[Id], Field(max_length=32)]


class RoomPerson(BaseModel):
    """One seat as everyone in the room sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    name: Name
    role: Annotated[str, Field(max_length=32)]
    host: bool
    admitted: bool
    consent: bool
    epoch: int = 0
    """Bumped when the seat's connection is rebuilt (a reconnect): peers rebuild theirs."""


class RoomMedia(BaseModel):
    """How the receiver's media travel in a room served by a Janus media server.

    Join Janus VideoRoom `room` (WebSocket `url`, subprotocol `janus-protocol`) with `pin`,
    as a publisher whose display is `display` (the receiver's session id; every feed's
    display is its person's session id). Publish the camera and microphone; subscribe to
    each publisher whose display is listed in `peers`. When `room` or `pin` changes (a
    caucus begins or ends) leave and join the new one; when `media` is absent, leave.
    The pin is never sent to the lobby or to the other side of a caucus."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    backend: Literal["janus"] = "janus"
    url: Annotated[str, Field(min_length=1, max_length=300)]
    room: Annotated[int, Field(ge=1, le=2**53)]
    pin: Annotated[str, Field(min_length=1, max_length=64)]
    display: Id


SHARE_TITLE_MAX = 100
ShareKind = Literal["screen", "document"]


class RoomSharing(BaseModel):
    """Who shows their screen or a document page in place of their camera, and what."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    participant: Id
    kind: ShareKind
    title: Annotated[str, Field(max_length=SHARE_TITLE_MAX)] = ""
    """The document's name (and page) as the viewers' caption shows it; empty for a screen."""


class RoomState(_Msg):
    """The room as the receiver sees it; sent to every member after each change.

    `peers` is authoritative for media: each client keeps one peer connection per listed
    peer (rebuilt when that person's `epoch` changes) and closes every other; of each pair,
    the side with the smaller session id sends the offer. People waiting in the lobby see
    only themselves."""

    type: Literal["room.state"] = "room.state"
    room: Id
    admitted: list[Id]
    lobby: list[Id]
    caucus: list[Id]
    you: Id | None = None
    peers: list[Id] = Field(default_factory=list)
    people: list[RoomPerson] = Field(default_factory=list)
    spotlight: Id | None = None
    sharing: RoomSharing | None = None
    """Set while someone the receiver sees shares their screen or a document page."""
    recording: bool = False
    media: RoomMedia | None = None
    """Absent: a mesh room (one peer connection per listed peer, negotiated through us)."""


class RoomConsent(_Msg):
    """A participant gives (or withdraws) consent to the room's recording."""

    type: Literal["room.consent"] = "room.consent"
    room: Id
    on: bool


class RoomRecording(_Msg):
    """Host: start/stop recording (refused unless every admitted person consented).
    Server → members: recording is now on/off, with the reason when it paused by itself."""

    type: Literal["room.recording"] = "room.recording"
    room: Id
    on: bool
    reason: Text = ""


class RoomSpotlight(_Msg):
    """Host: show this participant big on everyone's screen (None: nobody)."""

    type: Literal["room.spotlight"] = "room.spotlight"
    room: Id
    participant: Id | None = None


class RoomShare(_Msg):
    """Host: my video now shows my screen or a document page (`on`), or my camera again.

    Sent again with a new `title` when the shared page changes. The picture itself travels
    in the host's video track as before; this only tells everyone what they are seeing."""

    type: Literal["room.share"] = "room.share"
    room: Id
    on: bool
    kind: ShareKind = "screen"
    title: Annotated[str, Field(max_length=SHARE_TITLE_MAX)] = ""


class RoomChat(_Msg):
    """A text message to the people one shares media with (the caucus or the main room)."""

    type: Literal["room.chat"] = "room.chat"
    room: Id
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class RoomChatPosted(_Msg):
    type: Literal["room.chat"] = "room.chat"
    room: Id
    from_: Annotated[Id, Field(alias="from")]
    name: Name
    text: str
    at: float
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


AGREEMENT_TEXT_MAX = 16 * 1024
"""Characters: 16 K Chinese characters are 48 KB of UTF-8, inside MAX_MESSAGE_BYTES."""
SIGNATURE_MAX = 40 * 1024


class RoomAgreement(_Msg):
    """Host → the admitted participants: the agreement as it stands, to read and sign."""

    type: Literal["room.agreement"] = "room.agreement"
    room: Id
    agreement: Id
    title: Name
    text: Annotated[str, Field(max_length=AGREEMENT_TEXT_MAX)]
    content_sha256: Annotated[str, Field(min_length=64, max_length=64)]
    signed_by: list[Id] = Field(default_factory=list)


class RoomSign(_Msg):
    """A participant signs the agreement version they read: a drawn signature as PNG."""

    type: Literal["room.sign"] = "room.sign"
    room: Id
    agreement: Id
    content_sha256: Annotated[str, Field(min_length=64, max_length=64)]
    image_png_b64: Annotated[str, Field(min_length=16, max_length=SIGNATURE_MAX)]


class RoomSigned(_Msg):
    """To the hosts: who signed which version (the console checks and stores it)."""

    type: Literal["room.signed"] = "room.signed"
    room: Id
    from_: Annotated[Id, Field(alias="from")]
    name: Name
    agreement: Id
    content_sha256: str
    image_png_b64: str
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- media negotiation (relayed, never parsed) --------------------------------------------

SDP = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_BYTES - 1024)]


class SdpOffer(_Msg):
    type: Literal["sdp.offer"] = "sdp.offer"
    to: Id
    sdp: SDP


class SdpAnswer(_Msg):
    type: Literal["sdp.answer"] = "sdp.answer"
    to: Id
    sdp: SDP


class IceCandidate(_Msg):
    """A browser's trickled candidate; aiortc sends complete SDP and none of these."""

    type: Literal["ice.candidate"] = "ice.candidate"
    to: Id
    candidate: Annotated[str, Field(max_length=1024)]
    sdp_mid: Annotated[str, Field(max_length=64)] | None = None
    sdp_mline_index: Annotated[int, Field(ge=0, le=64)] | None = None


class Relayed(_Msg):
    """A relayed offer/answer/candidate as delivered: `from_` names the sender's session."""

    type: Literal["relayed"] = "relayed"
    from_: Annotated[Id, Field(alias="from")]
    kind: Literal["sdp.offer", "sdp.answer", "ice.candidate"]
    sdp: str | None = None
    candidate: str | None = None
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- store changes between consoles -------------------------------------------------------


class StoreChanged(_Msg):
    """A console's committed change set, relayed to the other consoles (staff only)."""

    type: Literal["store.changed"] = "store.changed"
    change_set: Annotated[str, Field(max_length=16 * 1024)]


ClientMessage = Annotated[
    Hello
    | Ping
    | Bye
    | PresenceSet
    | CallRequest
    | CallAccept
    | CallDecline
    | CallHold
    | CallTransfer
    | CallHangup
    | CallCallback
    | CallRecording
    | RoomJoin
    | RoomAdmit
    | RoomLeave
    | RoomRemove
    | RoomMute
    | RoomCaucus
    | RoomConsent
    | RoomRecording
    | RoomSpotlight
    | RoomShare
    | RoomChat
    | RoomAgreement
    | RoomSign
    | SdpOffer
    | SdpAnswer
    | IceCandidate
    | StoreChanged,
    Field(discriminator="type"),
]

ServerMessage = Annotated[
    Welcome
    | Pong
    | Error
    | Presence
    | QueuePosition
    | QueueSnapshot
    | CallRing
    | CallAccepted
    | CallHeld
    | CallEnded
    | CallMoved
    | CallRecording
    | RoomLobby
    | RoomAdmitted
    | RoomState
    | RoomMute
    | RoomRecording
    | RoomChatPosted
    | RoomAgreement
    | RoomSigned
    | Relayed
    | StoreChanged,
    Field(discriminator="type"),
]

client_message: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
server_message: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def _types(union: object) -> frozenset[str]:
    members = get_args(get_args(union)[0])
    return frozenset(str(m.model_fields["type"].default) for m in members)


CLIENT_TYPES = _types(ClientMessage)
SERVER_TYPES = _types(ServerMessage)
