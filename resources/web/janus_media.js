// A small Janus VideoRoom client for the citizen page (Janus 1.x JSON API over WebSocket).
// Plain ES module, standard APIs only (current Chromium and Firefox), no build step.
//
// One session; one publisher handle that joins the room with a pin and a display (the
// person's session id) and publishes the camera and microphone on its own peer connection;
// one subscriber handle and peer connection per remote feed (Janus offers, we answer), so a
// feed can fail and be rebuilt alone. Every SDP we send is complete (we wait for ICE
// gathering) and says "trickle": false. Janus answers asynchronous plugin requests with an
// `ack` and later an `event` carrying the same transaction; events without a transaction are
// news (publishers came or went, a peer connection hung up).
//
// Recovery: a peer connection Janus hangs up is rebuilt (ours by publishing again, a feed by
// subscribing afresh); a lost WebSocket is replaced and `claim`s the same session (then the
// publisher list is read again: Janus does not replay what it announced meanwhile); a session
// Janus gave up is replaced by a new one that rejoins the same seat.
//
// Events (CustomEvent, details below): "feed" {display, feed, stream, pc} once a feed's media
// is negotiated; "feedgone" {display, feed, reason}; "state" {state}; "error" {message, code}.

const PROTOCOL = "janus-protocol";
const PLUGIN = "janus.plugin.videoroom";
export const CONNECTION_LOST = 0;
export const SESSION_NOT_FOUND = 458;
export const NO_SUCH_FEED = 428;
export const UNAUTHORIZED = 433; // a wrong pin
const ID_EXISTS = 436;

export class JanusError extends Error {
  constructor(code, reason) {
    super(`Janus error ${code}: ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let txSeq = 0;

// A connection's stats, or null if it closed or they took over `ms`. Firefox ESR never
// settles a getStats() still running when its connection closes (checked 2026-12-03 by
// test_janus_page); a polling loop awaiting it then stops for good.
export function statsOf(pc, ms = 2000) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  const report = pc.getStats().catch(() => null);
  return Promise.race([report, late]).finally(() => clearTimeout(timer));
}

// The SDP we send must hold every candidate: Janus is told not to wait for trickled ones.
function gathered(pc, ms = 5000) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pc.iceGatheringState !== "complete") return;
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const timer = setTimeout(() => {
      pc.removeEventListener("icegatheringstatechange", check);
      resolve(); // send what we have
    }, ms);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

function openSocket(url, ms) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, PROTOCOL);
    const timer = setTimeout(() => ws.close(), ms);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(ws);
    };
    ws.onclose = () => {
      clearTimeout(timer);
      reject(new JanusError(CONNECTION_LOST, `cannot reach Janus at ${url}`));
    };
  });
}

// One Janus session over one WebSocket at a time: transactions, keepalive, claim.
class Session {
  constructor(url, onNews, onDown) {
    this.url = url;
    this.id = 0;
    this.ws = null;
    this.pending = new Map();
    this.onNews = onNews;
    this.onDown = onDown;
    this.closing = false;
  }

  async open() {
    await this._connect();
    const reply = await this.request({ janus: "create" });
    this.id = reply.data.id;
  }

  // A new WebSocket takes the same session over (Janus keeps it for reclaim_session_timeout).
  async reclaim() {
    await this._connect();
    await this.request({ janus: "claim" }, { timeout: 5000 });
  }

  async _connect() {
    if (this.ws) this._drop(this.ws);
    const ws = await openSocket(this.url, 5000);
    if (this.closing) {
      ws.close();
      throw new JanusError(CONNECTION_LOST, "session closed");
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      this._onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._failPending("connection to Janus lost");
      if (!this.closing) this.onDown();
    };
  }

  _drop(ws) {
    ws.onclose = ws.onmessage = null;
    ws.close();
    if (this.ws === ws) this.ws = null;
    this._failPending("connection replaced");
  }

  _failPending(reason) {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new JanusError(CONNECTION_LOST, reason));
    }
    this.pending.clear();
  }

  // One request; resolves with Janus's final answer (with `waitEvent`, the event after the
  // ack), rejects with JanusError for Janus errors and plugin errors alike.
  request(body, { waitEvent = false, timeout = 15000 } = {}) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new JanusError(CONNECTION_LOST, "no connection to Janus"));
    }
    const transaction = `t${Date.now().toString(36)}-${++txSeq}`;
    const msg = { ...body, transaction };
    if (this.id && body.janus !== "create") msg.session_id = this.id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(CONNECTION_LOST, `Janus did not answer ${body.janus} in ${timeout} ms`));
      }, timeout);
      this.pending.set(transaction, { resolve, reject, waitEvent, timer });
      ws.send(JSON.stringify(msg));
    });
  }

  attach() {
    return this.request({ janus: "attach", plugin: PLUGIN }).then((r) => r.data.id);
  }

  // A plugin message; resolves with {data, jsep}.
  async message(handle, body, jsep = null, waitEvent = true) {
    const payload = { janus: "message", handle_id: handle, body };
    if (jsep) payload.jsep = jsep;
    const reply = await this.request(payload, { waitEvent });
    return { data: reply.plugindata?.data || {}, jsep: reply.jsep || null };
  }

  _onMessage(msg) {
    const p = typeof msg.transaction === "string" ? this.pending.get(msg.transaction) : null;
    if (!p) {
      this.onNews(msg);
      return;
    }
    if (msg.janus === "ack" && p.waitEvent) return;
    this.pending.delete(msg.transaction);
    clearTimeout(p.timer);
    const data = msg.plugindata?.data;
    if (msg.janus === "error") p.reject(new JanusError(msg.error?.code ?? -1, msg.error?.reason ?? ""));
    else if (data && data.error_code) p.reject(new JanusError(data.error_code, data.error || ""));
    else p.resolve(msg);
  }

  // Destroy the session (best effort, briefly) and close the WebSocket.
  async close(destroy = true) {
    this.closing = true;
    if (destroy && this.id && this.ws) {
      await this.request({ janus: "destroy" }, { timeout: 2000 }).catch(() => {});
    }
    if (this.ws) this._drop(this.ws);
  }
}

export class JanusMedia extends EventTarget {
  // `wanted`: the displays to subscribe to (null: every publisher but ourselves).
  constructor({ url, room, pin = "", display, stream, iceServers = [], wanted = null,
                keepaliveMs = 25000, reclaimWithinMs = 25000 }) {
    super();
    Object.assign(this, { url, room, pin, display, stream, iceServers, keepaliveMs, reclaimWithinMs });
    this.wanted = wanted ? new Set(wanted) : null;
    this.session = null;
    this.handle = 0; // our publisher handle
    this.feed = 0; // our feed id (our seat in the room)
    this.privateId = 0;
    this.pc = null; // our sending peer connection
    this.publishers = new Map(); // feed id -> display, every publisher Janus announced
    this.feeds = new Map(); // feed id -> {feed, display, handle, pc, stream, closed}
    this.publishes = 0;
    this.reclaims = 0;
    this.rejoins = 0;
    this.closed = false;
    this.failed = false; // refused for good (kicked, room closed): no more recovery
    this.recovering = false;
    this.timer = null;
  }

  get subscribed() {
    return this.feeds.size;
  }

  // Join as a publisher, publish, subscribe to the wanted publishers. Rejects with JanusError
  // (UNAUTHORIZED for a wrong pin); then nothing stays open.
  async join() {
    try {
      await this._enter(0);
    } catch (err) {
      await this.leave();
      throw err;
    }
    this.timer = setInterval(() => this._keepalive(), this.keepaliveMs);
    return { feed: this.feed };
  }

  // The people to see, by display (room.state's `peers`); feeds of everyone else are closed.
  want(displays) {
    this.wanted = displays ? new Set(displays) : null;
    for (const e of [...this.feeds.values()]) {
      if (!this._wants(e.display)) this._drop(e.feed, "not listed");
    }
    if (this.privateId) this._announce([...this.publishers].map(([id, display]) => ({ id, display })));
  }

  // {display: {framesDecoded, videoBytes, audioBytes}} for every subscribed feed.
  async inbound() {
    const out = {};
    await Promise.all([...this.feeds.values()].filter((e) => e.pc).map(async (e) => {
      const report = await statsOf(e.pc);
      if (!report) return; // closed between checks
      const row = { framesDecoded: 0, videoBytes: 0, audioBytes: 0 };
      report.forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        const kind = s.kind || s.mediaType;
        if (kind === "video") row.framesDecoded = s.framesDecoded ?? 0;
        row[`${kind}Bytes`] = s.bytesReceived ?? 0;
      });
      out[e.display] = row;
    }));
    return out;
  }

  // Leave the room: every peer connection closed, the session destroyed.
  async leave() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const feed of [...this.feeds.keys()]) this._drop(feed, "left", false);
    if (this.pc) this.pc.close();
    this.pc = null;
    const session = this.session;
    if (session) await session.close(true);
    this._fire("state", { state: "left" });
  }

  // --- joining and publishing -------------------------------------------------------------

  async _enter(seat) {
    const session = new Session(this.url, (m) => this._onNews(session, m), () => this._onDown(session));
    this.session = session;
    this._fire("state", { state: "joining" });
    await session.open();
    this.handle = await session.attach();
    const body = { request: "join", ptype: "publisher", room: this.room, display: this.display };
    if (this.pin) body.pin = this.pin;
    if (seat) body.id = seat;
    let joined;
    try {
      joined = await session.message(this.handle, body);
    } catch (err) {
      if (!seat || err.code !== ID_EXISTS) throw err;
      delete body.id; // our old seat is still held: take a new one
      joined = await session.message(this.handle, body);
    }
    this.feed = joined.data.id;
    this.privateId = joined.data.private_id || 0;
    this._fire("state", { state: "joined" });
    this._announce(joined.data.publishers || []);
    await this._publish();
  }

  async _publish() {
    const old = this.pc;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    if (old) old.close();
    for (const track of this.stream.getTracks()) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [this.stream] });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const { jsep } = await this.session.message(
      this.handle, { request: "publish" },
      { type: "offer", sdp: pc.localDescription.sdp, trickle: false },
    );
    if (!jsep || jsep.type !== "answer") throw new JanusError(499, "publish accepted without an answer");
    if (this.pc !== pc) return;
    await pc.setRemoteDescription({ type: "answer", sdp: jsep.sdp });
    this.publishes += 1;
  }

  // --- subscribing ------------------------------------------------------------------------

  _wants(display) {
    return display !== this.display && (!this.wanted || this.wanted.has(display));
  }

  _announce(list) {
    for (const p of list) {
      const id = p.id;
      if (typeof id !== "number" || id === this.feed) continue;
      const display = String(p.display ?? "");
      this.publishers.set(id, display);
      if (!this._wants(display) || this.feeds.has(id)) continue;
      // One feed per person: a newer feed of the same display replaces the older one.
      for (const e of [...this.feeds.values()]) if (e.display === display) this._drop(e.feed, "replaced");
      this._subscribe(id, display);
    }
  }

  async _subscribe(feed, display) {
    const session = this.session;
    const e = { feed, display, handle: 0, pc: null, stream: new MediaStream(), closed: false };
    this.feeds.set(feed, e);
    try {
      e.handle = await session.attach();
      if (e.closed) return void this._detach(session, e.handle);
      const body = { request: "join", ptype: "subscriber", room: this.room, streams: [{ feed }] };
      if (this.privateId) body.private_id = this.privateId;
      if (this.pin) body.pin = this.pin;
      const { jsep } = await session.message(e.handle, body);
      if (!jsep || jsep.type !== "offer") throw new JanusError(499, "subscribed without an offer");
      if (e.closed) return void this._detach(session, e.handle);
      const pc = new RTCPeerConnection({ iceServers: this.iceServers });
      e.pc = pc;
      pc.ontrack = (ev) => e.stream.addTrack(ev.track);
      await pc.setRemoteDescription({ type: "offer", sdp: jsep.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      if (e.closed) return;
      await session.message(e.handle, { request: "start" },
        { type: "answer", sdp: pc.localDescription.sdp, trickle: false });
      if (e.closed) return;
      this._fire("feed", { display, feed, stream: e.stream, pc });
    } catch (err) {
      if (this.feeds.get(feed) === e) this._drop(feed, `failed: ${err.message}`);
      // A feed that left while we subscribed, or a connection that dropped: not for the user.
      if (!this.closed && err.code !== NO_SUCH_FEED && err.code !== CONNECTION_LOST) {
        this._fire("error", { message: `subscribing to ${display}: ${err.message}`, code: err.code });
      }
    }
  }

  _drop(feed, reason, tellJanus = true) {
    const e = this.feeds.get(feed);
    if (!e) return;
    this.feeds.delete(feed);
    e.closed = true;
    if (e.pc) e.pc.close();
    if (tellJanus && e.handle) this._detach(this.session, e.handle);
    this._fire("feedgone", { display: e.display, feed, reason });
  }

  _detach(session, handle) {
    session.request({ janus: "detach", handle_id: handle }).catch(() => {});
  }

  // --- news and recovery ------------------------------------------------------------------

  _onNews(session, msg) {
    if (session !== this.session || this.closed) return;
    const sender = msg.sender;
    if (msg.janus === "event" && sender === this.handle) {
      const data = msg.plugindata?.data || {};
      if (Array.isArray(data.publishers)) this._announce(data.publishers);
      for (const gone of [data.unpublished, data.leaving]) {
        if (typeof gone !== "number") continue;
        this.publishers.delete(gone);
        this._drop(gone, gone === data.leaving ? "left" : "unpublished");
      }
      if (data.leaving === "ok" && data.reason === "kicked") this._fail("removed from the room");
      if (data.videoroom === "destroyed") this._fail("the room was closed");
    } else if (msg.janus === "hangup") {
      if (sender === this.handle) {
        // Our sending connection failed: offer a new one from the same seat.
        if (this.failed) return;
        this._publish().catch((err) => this._error(`publishing again: ${err.message}`, err.code));
        return;
      }
      const e = [...this.feeds.values()].find((x) => x.handle === sender);
      if (e) {
        this._drop(e.feed, `hung up: ${msg.reason || ""}`);
        if (this.publishers.has(e.feed) && this._wants(e.display)) this._subscribe(e.feed, e.display);
      }
    } else if (msg.janus === "timeout") {
      this._recover(true);
    }
  }

  _onDown(session) {
    if (session === this.session && !this.closed) this._recover(false);
  }

  async _keepalive() {
    try {
      await this.session.request({ janus: "keepalive" }, { timeout: 10000 });
    } catch (err) {
      if (err.code === SESSION_NOT_FOUND) this._recover(true);
    }
  }

  // The WebSocket dropped (claim the same session back) or the session is gone (rejoin).
  async _recover(gone) {
    if (this.recovering || this.closed || this.failed) return;
    this.recovering = true;
    this._fire("state", { state: "reconnecting" });
    try {
      if (!gone && (await this._reclaim())) return;
      await this._rejoin();
    } finally {
      this.recovering = false;
    }
  }

  async _reclaim() {
    const session = this.session;
    const until = Date.now() + this.reclaimWithinMs;
    let delay = 200;
    while (!this.closed && Date.now() < until) {
      try {
        await session.reclaim();
      } catch (err) {
        if (err.code !== CONNECTION_LOST) return false; // e.g. 458: the session is gone
        await sleep(delay);
        delay = Math.min(2000, delay * 2);
        continue;
      }
      this.reclaims += 1;
      this._fire("state", { state: "joined" });
      // News sent while we were away is lost: read the room again.
      try {
        const { data } = await session.message(this.handle,
          { request: "listparticipants", room: this.room }, null, false);
        const now = (data.participants || []).filter((p) => p.publisher);
        const ids = new Set(now.map((p) => p.id));
        for (const feed of [...this.publishers.keys()]) {
          if (!ids.has(feed)) {
            this.publishers.delete(feed);
            this._drop(feed, "left while we were away");
          }
        }
        this._announce(now);
      } catch (err) {
        this._error(`reading the room again: ${err.message}`, err.code);
      }
      return true;
    }
    return false;
  }

  async _rejoin() {
    const seat = this.feed;
    const old = this.session;
    for (const feed of [...this.feeds.keys()]) this._drop(feed, "session lost", false);
    this.publishers.clear();
    if (this.pc) this.pc.close();
    this.pc = null;
    this.privateId = 0;
    let delay = 500;
    while (!this.closed) {
      await old.close(false);
      if (this.session !== old) await this.session.close(false);
      try {
        await this._enter(seat);
        this.rejoins += 1;
        return;
      } catch (err) {
        if (err.code !== CONNECTION_LOST) return void this._fail(`rejoining: ${err.message}`, err.code);
      }
      await sleep(delay);
      delay = Math.min(5000, delay * 2);
    }
  }

  _fail(message, code = -1) {
    this.failed = true;
    this._fire("state", { state: "failed" });
    this._error(message, code);
  }

  _error(message, code = -1) {
    if (!this.closed) this._fire("error", { message, code });
  }

  _fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
