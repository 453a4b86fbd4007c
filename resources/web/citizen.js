// The citizen's side of a video call: queue or room join, then one WebRTC peer connection.
// Plain ES module, standard APIs only (current Chromium and Firefox), no build step.

import { JanusMedia, statsOf } from "./janus_media.js";

const T = {
  zh: {
    title: "视频接访", formTitle: "请填写来访信息", category: "事项类别", choose: "请选择",
    name: "姓名", phone: "联系电话", noticeTitle: "录音录像告知",
    noticeText: "为保障双方权益，本次视频接访全程录音录像，录像仅用于事项办理和依法监督，按规定保存和保密。您可以随时挂断。",
    consent: "我已阅读并同意录音录像告知", preview: "预览摄像头和麦克风", join: "开始排队",
    joinRoom: "进入调解室", waiting: "正在排队，请稍候", position: "您前面排第",
    estimate: "预计等待", lobby: "您已进入等候室，请等待调解员允许进入。", leave: "取消排队",
    held: "通话已保持，请稍候，工作人员马上回来。", hangup: "挂断", ended: "通话已结束",
    again: "返回首页", needCategory: "请选择事项类别", needName: "请填写姓名",
    needConsent: "请先阅读并勾选同意录音录像告知", noCamera: "无法打开摄像头或麦克风：",
    lost: "网络连接中断，正在重新连接…", connecting: "正在连接…", connected: "已接通",
    officer: "接待人员：", minutes: "分钟", lessMinute: "不到 1 分钟", ticketFail: "排队失败：",
    inRoom: "已进入调解室", waitingMedia: "正在建立视频连接…", recording: "录音录像中",
    roomConsent: "我同意本次调解录音录像", signHint: "请核对协议内容，在下方方框内手写签名后点击“签名确认”。",
    signClear: "重写", signSend: "签名确认", chat: "文字交流", send: "发送",
    caucusWait: "调解员正在与另一方单独沟通（背靠背调解），请稍候，期间您听不到也看不到对方。",
    caucusIn: "背靠背调解中：只有您和调解员在交流。", removed: "您已被调解员移出调解室",
    mutedByMediator: "调解员已将您的麦克风静音", unmutedByMediator: "调解员已恢复您的麦克风",
    signEmpty: "请先在方框内签名", signSent: "签名已提交，等待调解员确认", signedAll: "已签署",
    recordingPaused: "录音录像已暂停：", me: "我", mediator: "调解员",
    sharingScreen: "调解员正在共享屏幕", sharingDocument: "调解员正在共享文档：{title}",
    mediaFailed: "无法连接视频服务器：",
  },
  en: {
    title: "Video reception", formTitle: "Your details", category: "Matter", choose: "Choose…",
    name: "Name", phone: "Phone", noticeTitle: "Recording notice",
    noticeText: "This video call is recorded in sound and picture to protect both sides. Recordings are used only to handle your matter and for lawful oversight, and are kept confidential. You may hang up at any time.",
    consent: "I have read and accept the recording notice", preview: "Preview camera and microphone",
    join: "Join the queue", joinRoom: "Enter the mediation room", waiting: "Waiting in the queue",
    position: "Your place in the queue", estimate: "Estimated wait",
    lobby: "You are in the lobby; the mediator will let you in.", leave: "Leave the queue",
    held: "The call is on hold; the officer will be back shortly.", hangup: "Hang up",
    ended: "The call has ended", again: "Back to start", needCategory: "Please choose a matter",
    needName: "Please enter your name", needConsent: "Please read and accept the recording notice",
    noCamera: "Cannot open camera or microphone: ", lost: "Connection lost, reconnecting…",
    connecting: "Connecting…", connected: "Connected", officer: "Officer: ", minutes: "min",
    lessMinute: "under 1 min", ticketFail: "Could not join the queue: ", inRoom: "In the room",
    waitingMedia: "Setting up video…", recording: "Recording",
    roomConsent: "I consent to this session being recorded",
    signHint: "Check the agreement, sign in the box below, then press Sign.",
    signClear: "Clear", signSend: "Sign", chat: "Chat", send: "Send",
    caucusWait: "The mediator is talking with the other side privately; please wait. You cannot see or hear them meanwhile.",
    caucusIn: "Private session: only you and the mediator.", removed: "The mediator removed you from the room",
    mutedByMediator: "The mediator muted your microphone", unmutedByMediator: "The mediator unmuted your microphone",
    signEmpty: "Please sign in the box first", signSent: "Signature sent; waiting for the mediator",
    signedAll: "Signed", recordingPaused: "Recording paused: ", me: "Me", mediator: "Mediator",
    sharingScreen: "The mediator is sharing their screen",
    sharingDocument: "The mediator is sharing a document: {title}",
    mediaFailed: "Cannot join the video server: ",
  },
};

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let invite = params.get("invite"); // replaced when the officer moves the call into a room

let lang = params.get("lang") === "en" ? "en" : "zh";
let categories = [];
let config = { iceServers: [] };
let localStream = null;
let ws = null;
let token = null;
let ticket = null;
let session = null;
let requested = false; // call.request (or room.join) accepted by a server session
let finished = false;
let attempt = 0;
let msgSeq = 0;
let pingTimer = null;
let pc = null;
let peer = null;
let pendingCandidates = [];
let joinDetails = null;

// A mediation room: one peer connection per person the server lists in `peers` (or, when
// room.state carries `media`, one Janus feed per such person, in `janus`).
const room = { state: null, conns: new Map(), agreement: null, janus: null };

// Read by tests and by support staff (about:webrtc-like numbers without devtools).
const stats = {
  state: "form", framesDecoded: 0, framesRendered: 0, position: null, errors: [],
  session: null, reconnects: 0, iceState: "", ended: null, holds: 0,
  recording: false, recordings: 0, officers: 0,
  peerFrames: {}, peerBytes: {}, chat: [], caucus: false, muted: false, signed: null,
  sharing: null, // the shared document's title ("" for a screen) while the mediator shares
};
window.citizen = stats;

function t(key) { return T[lang][key] ?? T.zh[key] ?? key; }

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("lang").textContent = lang === "zh" ? "English" : "中文";
  if (invite) $("btn-join").textContent = t("joinRoom");
  fillCategories();
}

function fillCategories() {
  const sel = $("category");
  const chosen = sel.value;
  sel.length = 1;
  for (const c of categories) {
    const opt = document.createElement("option");
    opt.value = c.code;
    opt.textContent = lang === "zh" ? c.zh : c.en;
    sel.append(opt);
  }
  sel.value = chosen;
}

function show(view) {
  for (const v of ["form", "wait", "call", "ended"]) $(`view-${v}`).hidden = v !== view;
  stats.state = view;
}

function banner(text) {
  $("signal").textContent = text || "";
  $("signal").hidden = !text;
}

async function loadJson(path, fallback) {
  try {
    const r = await fetch(path, { cache: "no-store" });
    return r.ok ? await r.json() : fallback;
  } catch {
    return fallback;
  }
}

async function ensureMedia() {
  if (localStream) return localStream;
  localStream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: true,
  });
  $("preview").srcObject = localStream;
  $("self").srcObject = localStream;
  return localStream;
}

function formatWait(seconds) {
  const m = Math.round(seconds / 60);
  return m < 1 ? t("lessMinute") : `${m} ${t("minutes")}`;
}

// --- signalling -------------------------------------------------------------------------

function send(msg) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify({ v: 1, id: `w${++msgSeq}`, ...msg }));
  return true;
}

function wsUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

function connect() {
  const sock = new WebSocket(wsUrl());
  ws = sock;
  sock.onopen = () => {
    const hello = { type: "hello", token, client: "citizen-web" };
    if (session) hello.resume = session;
    send(hello);
  };
  sock.onmessage = (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    onMessage(msg).catch((err) => stats.errors.push(String(err)));
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    clearInterval(pingTimer);
    ws = null;
    if (finished) return;
    banner(t("lost"));
    attempt += 1;
    // Full jitter under an exponential ceiling, as the console does: a server restart
    // must not be met by every waiting citizen at the same instant.
    const ceiling = Math.min(15000, 500 * 2 ** Math.min(attempt - 1, 10));
    setTimeout(() => { if (!finished) connect(); }, Math.random() * ceiling);
  };
}

async function onMessage(msg) {
  switch (msg.type) {
    case "welcome": {
      const resumed = msg.resumed && session === msg.session;
      if (session && resumed) stats.reconnects += 1;
      session = msg.session;
      stats.session = session;
      attempt = 0;
      banner("");
      clearInterval(pingTimer);
      if (msg.heartbeat_s > 0) {
        pingTimer = setInterval(() => send({ type: "ping" }), msg.heartbeat_s * 500);
      }
      if (!requested || !msg.resumed) {
        requested = true;
        if (invite) {
          send({ type: "room.join", name: joinDetails.name,
                 recording_consent: joinDetails.recording_consent });
        }
        else send({ type: "call.request", ...joinDetails });
      }
      break;
    }
    case "queue.position":
      stats.position = msg.position;
      $("position").textContent = String(msg.position);
      $("wait").textContent = formatWait(msg.estimated_wait_s);
      break;
    case "call.accepted":
      if (pc && peer && peer !== msg.peer) {
        // Transferred to another officer: a fresh peer connection for the new console.
        closePeer();
        stats.framesDecoded = 0;
      }
      peer = msg.peer;
      stats.officers += 1;
      $("held").hidden = true;
      setRecording(Boolean(msg.recording));
      $("call-status").textContent = `${t("officer")}${msg.officer} · ${t("waitingMedia")}`;
      startPeer();
      show("call");
      break;
    case "room.lobby":
      break;
    case "room.admitted":
      stats.room = msg.room;
      $("call-status").textContent = t("inRoom");
      show("call");
      break;
    case "room.state":
      onRoomState(msg);
      break;
    case "room.mute":
      setLocalAudio(!msg.audio);
      stats.muted = msg.audio;
      roomNotice(msg.audio ? t("mutedByMediator") : t("unmutedByMediator"));
      break;
    case "room.chat": {
      stats.chat.push({ name: msg.name, text: msg.text });
      const li = document.createElement("li");
      li.textContent = `${msg.name}：${msg.text}`;
      $("chat-log").append(li);
      li.scrollIntoView({ block: "nearest" });
      break;
    }
    case "room.recording":
      setRecording(Boolean(msg.on));
      if (msg.reason) roomNotice(t("recordingPaused") + msg.reason);
      break;
    case "room.agreement":
      showAgreement(msg);
      break;
    case "call.held":
      $("held").hidden = !msg.on;
      if (msg.on) stats.holds += 1;
      break;
    case "call.recording":
      setRecording(Boolean(msg.on));
      break;
    case "call.ended":
      end(msg.reason);
      break;
    case "call.moved": {
      // The officer moved us into a mediation room: same camera, no hang-up; a new
      // session with the room's invitation, waiting in its lobby.
      stats.moved = msg.room;
      invite = msg.invite;
      token = msg.invite;
      closePeer();
      peer = null;
      session = null;
      requested = false;
      stats.framesDecoded = 0;
      $("lobby-text").hidden = false;
      $("wait-h").hidden = true;
      show("wait");
      const old = ws;
      ws = null;
      if (old) old.close();
      connect();
      break;
    }
    case "relayed":
      if (invite) await onRoomRelayed(msg);
      else await onRelayed(msg);
      break;
    case "error":
      stats.errors.push(`${msg.code}: ${msg.message}`);
      if (stats.state === "wait") $("wait-error").textContent = msg.message;
      // A refused token cannot get better by retrying: stop instead of reconnecting forever.
      if (["bad_token", "token_expired", "forbidden"].includes(msg.code) && !session) {
        end(msg.message);
      }
      break;
    default:
      break;
  }
}

function setRecording(on) {
  if (on && !stats.recording) stats.recordings += 1;
  stats.recording = on;
  $("rec").hidden = !on;
}

// --- media ------------------------------------------------------------------------------

function closePeer() {
  const old = pc;
  pc = null; // its pollStats ends
  pendingCandidates = [];
  if (old) old.close();
}

function startPeer() {
  if (pc) return;
  pc = new RTCPeerConnection({ iceServers: config.iceServers || [] });
  for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
  pc.ontrack = (ev) => {
    const remote = $("remote");
    if (ev.track.kind === "video" || !remote.srcObject) {
      remote.srcObject = ev.streams[0] || new MediaStream([ev.track]);
    }
    if (ev.track.kind === "video") countFrames(remote);
  };
  pc.onicecandidate = (ev) => {
    // Trickle: every candidate as soon as it is found; an empty one ends the list.
    const c = ev.candidate;
    send({
      type: "ice.candidate", to: peer,
      candidate: c ? c.candidate : "",
      sdp_mid: c ? c.sdpMid : null,
      sdp_mline_index: c ? c.sdpMLineIndex : null,
    });
  };
  pc.oniceconnectionstatechange = () => {
    stats.iceState = pc.iceConnectionState;
    if (pc.iceConnectionState === "connected") $("call-status").textContent = t("connected");
  };
  pollStats(pc);
}

async function onRelayed(msg) {
  if (msg.kind === "sdp.offer") {
    if (!peer) peer = msg.from; // rooms: the mediator's console offers first
    if (!pc) startPeer();
    await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    for (const c of pendingCandidates.splice(0)) await addCandidate(c);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    send({ type: "sdp.answer", to: peer, sdp: pc.localDescription.sdp });
  } else if (msg.kind === "ice.candidate") {
    if (!pc || !pc.remoteDescription) pendingCandidates.push(msg);
    else await addCandidate(msg);
  }
}

async function addCandidate(msg) {
  try {
    await pc.addIceCandidate(
      msg.candidate
        ? { candidate: msg.candidate, sdpMid: msg.sdp_mid, sdpMLineIndex: msg.sdp_mline_index }
        : null,
    );
  } catch (err) {
    stats.errors.push(`candidate: ${err}`);
  }
}

// --- a mediation room: mesh of peer connections -------------------------------------------

function roomNotice(text) {
  $("room-notice").textContent = text || "";
  $("room-notice").hidden = !text;
}

function setLocalAudio(on) {
  if (localStream) for (const tr of localStream.getAudioTracks()) tr.enabled = on;
}

function personOf(pid) {
  return (room.state?.people || []).find((x) => x.id === pid);
}

function epochsOf(pid) {
  const theirs = personOf(pid)?.epoch ?? 0;
  const mine = personOf(session)?.epoch ?? 0;
  return `${theirs}/${mine}`;
}

function onRoomState(msg) {
  room.state = msg;
  stats.room = msg.room;
  if (msg.you) session = msg.you;
  const me = msg.you || session;
  if (!msg.admitted.includes(me) && !msg.lobby.includes(me)) {
    end(t("removed"));
    return;
  }
  const admitted = msg.admitted.includes(me);
  if (admitted && stats.state !== "call") show("call");
  $("grid").hidden = !admitted;
  $("remote").hidden = true;
  document.querySelector(".stage").classList.add("room");
  $("chat").hidden = !admitted;
  $("room-consent-box").hidden = !admitted;
  $("room-consent").checked = Boolean(personOf(me)?.consent);
  stats.caucus = msg.caucus.length > 0;
  const inCaucus = msg.caucus.includes(me);
  if (msg.caucus.length && !inCaucus && !personOf(me)?.host) roomNotice(t("caucusWait"));
  else if (inCaucus) roomNotice(t("caucusIn"));
  else roomNotice("");
  setRecording(Boolean(msg.recording));
  if (msg.media) return void syncJanus(msg.media, msg.peers); // media through Janus: no mesh
  leaveJanus();
  // Exactly one connection per listed peer, rebuilt when either side reconnected.
  for (const [pid, conn] of room.conns) {
    if (!msg.peers.includes(pid) || conn.epochs !== epochsOf(pid)) closeRoomPeer(pid);
  }
  for (const pid of msg.peers) {
    if (!room.conns.has(pid)) {
      const conn = openRoomPeer(pid);
      if (me < pid) offerTo(pid, conn); // the smaller session id offers: no glare
    }
  }
  layoutGrid();
}

function addFigure(pid) {
  const fig = document.createElement("figure");
  const video = document.createElement("video");
  video.autoplay = true;
  video.playsInline = true;
  const cap = document.createElement("figcaption");
  fig.append(video, cap);
  fig.dataset.peer = pid;
  $("grid").append(fig);
  return { fig, video };
}

function openRoomPeer(pid) {
  const pc = new RTCPeerConnection({ iceServers: config.iceServers || [] });
  const { fig, video } = addFigure(pid);
  const conn = { pc, pending: [], fig, video, epochs: epochsOf(pid) };
  room.conns.set(pid, conn);
  for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
  pc.ontrack = (ev) => {
    if (ev.track.kind === "video" || !video.srcObject) {
      video.srcObject = ev.streams[0] || new MediaStream([ev.track]);
    }
  };
  pc.onicecandidate = (ev) => {
    const c = ev.candidate;
    send({
      type: "ice.candidate", to: pid, candidate: c ? c.candidate : "",
      sdp_mid: c ? c.sdpMid : null, sdp_mline_index: c ? c.sdpMLineIndex : null,
    });
  };
  pollRoomPeer(pid, conn);
  return conn;
}

async function offerTo(pid, conn) {
  try {
    await conn.pc.setLocalDescription(await conn.pc.createOffer());
    send({ type: "sdp.offer", to: pid, sdp: conn.pc.localDescription.sdp });
  } catch (err) {
    stats.errors.push(`offer: ${err}`);
  }
}

function closeRoomPeer(pid) {
  const conn = room.conns.get(pid);
  if (!conn) return;
  room.conns.delete(pid);
  conn.pc.close();
  conn.fig.remove();
  delete stats.peerFrames[pid]; // counted afresh on the next connection to them
}

function layoutGrid() {
  const spot = room.state?.spotlight;
  // A shared screen or page outranks the spotlight: it is what everyone should be reading.
  const share = room.state?.sharing || null;
  const sharer = share && room.conns.has(share.participant) ? share.participant : null;
  stats.sharing = share ? share.title : null;
  $("share-caption").hidden = !share;
  $("share-caption").textContent = !share ? "" : share.kind === "document"
    ? t("sharingDocument").replace("{title}", share.title) : t("sharingScreen");
  $("grid").classList.toggle("sharing", Boolean(sharer));
  for (const [pid, conn] of room.conns) {
    const who = personOf(pid);
    conn.fig.querySelector("figcaption").textContent =
      who ? (who.host ? `${t("mediator")} ${who.name}` : who.name) : "";
    conn.fig.classList.toggle("spotlight", pid === spot && !sharer);
    conn.fig.classList.toggle("shared", pid === sharer);
    if (pid === spot && !sharer) $("grid").prepend(conn.fig);
  }
  if (sharer) $("grid").prepend(room.conns.get(sharer).fig);
}

async function onRoomRelayed(msg) {
  const pid = msg.from;
  if (!room.state || room.state.media || !room.state.peers.includes(pid)) return;
  let conn = room.conns.get(pid);
  if (msg.kind === "sdp.offer") {
    if (conn && conn.pc.remoteDescription) {
      closeRoomPeer(pid); // they rebuilt their end: so do we
      conn = null;
    }
    if (!conn) conn = openRoomPeer(pid);
    await conn.pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    for (const c of conn.pending.splice(0)) await addRoomCandidate(conn, c);
    await conn.pc.setLocalDescription(await conn.pc.createAnswer());
    send({ type: "sdp.answer", to: pid, sdp: conn.pc.localDescription.sdp });
  } else if (msg.kind === "sdp.answer" && conn) {
    await conn.pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
    for (const c of conn.pending.splice(0)) await addRoomCandidate(conn, c);
  } else if (msg.kind === "ice.candidate" && conn) {
    if (!conn.pc.remoteDescription) conn.pending.push(msg);
    else await addRoomCandidate(conn, msg);
  }
}

async function addRoomCandidate(conn, msg) {
  try {
    await conn.pc.addIceCandidate(
      msg.candidate
        ? { candidate: msg.candidate, sdpMid: msg.sdp_mid, sdpMLineIndex: msg.sdp_mline_index }
        : null,
    );
  } catch (err) {
    stats.errors.push(`candidate: ${err}`);
  }
}

// --- a mediation room through a Janus VideoRoom ---------------------------------------------

// Join `media` (leaving another Janus room first) and see exactly the listed peers: each
// feed is a figure in room.conns like a mesh connection, keyed by its display (session id).
function syncJanus(media, peers) {
  for (const [pid, conn] of [...room.conns]) if (!conn.janus) closeRoomPeer(pid);
  const key = [media.url, media.room, media.pin, media.display].join(" ");
  if (room.janus?.key !== key) {
    leaveJanus(); // a caucus began or ended
    const j = new JanusMedia({ ...media, stream: localStream, iceServers: config.iceServers || [] });
    j.key = key;
    room.janus = j;
    const feeds = () => [...room.conns.values()].filter((c) => c.janus).length;
    stats.janus = { room: media.room, get feeds() { return feeds(); } };
    j.addEventListener("feed", (ev) => { if (room.janus === j) openFeed(ev.detail); });
    j.addEventListener("feedgone", ({ detail: { display, feed } }) => {
      if (room.janus === j && room.conns.get(display)?.feed === feed) closeRoomPeer(display);
    });
    j.addEventListener("error", (ev) => stats.errors.push(`janus: ${ev.detail.message}`));
    j.join().catch((err) => {
      if (room.janus !== j) return; // left meanwhile
      stats.errors.push(`janus: ${err.message}`);
      roomNotice(t("mediaFailed") + (err.reason || err.message));
    });
  }
  room.janus.want(peers);
  layoutGrid();
}

function openFeed({ display, feed, stream, pc }) {
  closeRoomPeer(display); // a feed published anew replaces the old one
  const conn = { pc, feed, janus: true, ...addFigure(display) };
  conn.video.srcObject = stream;
  room.conns.set(display, conn);
  pollRoomPeer(display, conn);
  layoutGrid();
}

function leaveJanus() {
  const j = room.janus;
  if (!j) return;
  room.janus = null;
  delete stats.janus;
  for (const [pid, conn] of [...room.conns]) if (conn.janus) closeRoomPeer(pid);
  j.leave();
}

async function pollRoomPeer(pid, conn) {
  while (room.conns.get(pid) === conn) {
    const report = await statsOf(conn.pc);
    if (report && room.conns.get(pid) === conn) {
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && (s.kind === "video" || s.mediaType === "video")) {
          stats.peerFrames[pid] = s.framesDecoded ?? 0;
        }
        if (s.type === "inbound-rtp") {
          stats.peerBytes[`${pid}:${s.kind}`] = s.bytesReceived ?? 0;
        }
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function showAgreement(msg) {
  room.agreement = msg;
  $("agreement").hidden = false;
  $("agreement-title").textContent = msg.title;
  $("agreement-text").textContent = msg.text;
  const mine = msg.signed_by.includes(session);
  $("sign-send").disabled = mine;
  $("sign-state").textContent = mine ? t("signedAll") : "";
  stats.agreement = { id: msg.agreement, sha: msg.content_sha256 };
}

function setupSignPad() {
  const pad = $("sign-pad");
  const ctx = pad.getContext("2d");
  let drawing = false;
  pad.dataset.strokes = "0";
  const point = (ev) => {
    const r = pad.getBoundingClientRect();
    return [((ev.clientX - r.left) * pad.width) / r.width, ((ev.clientY - r.top) * pad.height) / r.height];
  };
  pad.addEventListener("pointerdown", (ev) => {
    drawing = true;
    pad.setPointerCapture(ev.pointerId);
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(...point(ev));
  });
  pad.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    ctx.lineTo(...point(ev));
    ctx.stroke();
    pad.dataset.strokes = String(Number(pad.dataset.strokes) + 1);
  });
  pad.addEventListener("pointerup", () => { drawing = false; });
  $("sign-clear").addEventListener("click", () => {
    ctx.clearRect(0, 0, pad.width, pad.height);
    pad.dataset.strokes = "0";
  });
  $("sign-send").addEventListener("click", () => {
    const a = room.agreement;
    if (!a) return;
    if (pad.dataset.strokes === "0") return void ($("sign-state").textContent = t("signEmpty"));
    const png = pad.toDataURL("image/png").split(",", 2)[1];
    send({ type: "room.sign", room: a.room, agreement: a.agreement,
           content_sha256: a.content_sha256, image_png_b64: png });
    stats.signed = a.content_sha256;
    $("sign-state").textContent = t("signSent");
  });
}

function countFrames(video) {
  if (!("requestVideoFrameCallback" in HTMLVideoElement.prototype)) return;
  const tick = () => {
    stats.framesRendered += 1;
    if (pc) video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
}

// Follows one connection until it is replaced or closed.
async function pollStats(mine) {
  while (pc === mine) {
    const report = await statsOf(mine);
    if (report && pc === mine) {
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && (s.kind === "video" || s.mediaType === "video")) {
          stats.framesDecoded = s.framesDecoded ?? stats.framesDecoded;
        }
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function end(reason) {
  if (finished) return;
  finished = true;
  stats.ended = reason || "";
  clearInterval(pingTimer);
  setRecording(false);
  closePeer();
  leaveJanus();
  for (const pid of [...room.conns.keys()]) closeRoomPeer(pid);
  if (ws) {
    send({ type: "bye" });
    ws.close();
    ws = null;
  }
  banner("");
  $("ended-reason").textContent = reason || "";
  show("ended");
}

function hangup() {
  if (invite) send({ type: "room.leave", room: stats.room || "" });
  else if (ticket) send({ type: "call.hangup", ticket, reason: "citizen hung up" });
  end(t("ended"));
}

// --- the form ---------------------------------------------------------------------------

async function join(ev) {
  ev.preventDefault();
  const err = $("form-error");
  err.textContent = "";
  const category = $("category").value;
  const name = $("name").value.trim();
  if (!invite && !category) return void (err.textContent = t("needCategory"), $("category").focus());
  if (!name) return void (err.textContent = t("needName"), $("name").focus());
  // The queue records every call; a mediation room records only with everyone's consent.
  if (!invite && !$("consent").checked) {
    return void (err.textContent = t("needConsent"), $("consent").focus());
  }
  $("btn-join").disabled = true;
  try {
    await ensureMedia();
  } catch (e) {
    err.textContent = t("noCamera") + e.name;
    $("btn-join").disabled = false;
    return;
  }
  joinDetails = {
    category, name, phone: $("phone").value.trim(), recording_consent: $("consent").checked,
  };
  if (invite) {
    token = invite;
  } else {
    try {
      const r = await fetch("/api/ticket", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, category }),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const body = await r.json();
      ticket = body.ticket;
      token = body.token;
    } catch (e) {
      err.textContent = t("ticketFail") + e.message;
      $("btn-join").disabled = false;
      return;
    }
  }
  $("lobby-text").hidden = !invite;
  $("wait-h").hidden = Boolean(invite);
  show("wait");
  banner(t("connecting"));
  connect();
}

async function main() {
  [categories, config] = await Promise.all([
    loadJson("categories.json", []),
    loadJson("config.json", { iceServers: [] }),
  ]);
  if (invite) {
    $("category").closest("form").querySelector("label[for=category]").hidden = true;
    $("category").hidden = true;
  }
  applyLang();
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; applyLang(); });
  $("btn-preview").addEventListener("click", async () => {
    try {
      await ensureMedia();
    } catch (e) {
      $("form-error").textContent = t("noCamera") + e.name;
    }
  });
  $("join-form").addEventListener("submit", join);
  for (const b of document.querySelectorAll("[data-action=hangup]")) b.addEventListener("click", hangup);
  $("btn-again").addEventListener("click", () => location.reload());
  $("room-consent").addEventListener("change", (ev) => {
    send({ type: "room.consent", room: stats.room || "", on: ev.target.checked });
  });
  $("chat-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("chat-text").value.trim();
    if (text && send({ type: "room.chat", room: stats.room || "", text })) $("chat-text").value = "";
  });
  setupSignPad();
  stats.ready = true;
}

main();
