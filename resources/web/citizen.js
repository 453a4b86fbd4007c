// The citizen's side of a video call: queue or room join, then one WebRTC peer connection.
// Plain ES module, standard APIs only (current Chromium and Firefox), no build step.

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

// Read by tests and by support staff (about:webrtc-like numbers without devtools).
const stats = {
  state: "form", framesDecoded: 0, framesRendered: 0, position: null, errors: [],
  session: null, reconnects: 0, iceState: "", ended: null, holds: 0,
  recording: false, recordings: 0, officers: 0,
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
        if (invite) send({ type: "room.join", name: joinDetails.name });
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
      $("call-status").textContent = t("waitingMedia");
      if (msg.participant === session || !peer) {
        show("call");
      }
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
      await onRelayed(msg);
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
  pc = null; // pollStats ends with it
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
  pollStats();
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

function countFrames(video) {
  if (!("requestVideoFrameCallback" in HTMLVideoElement.prototype)) return;
  const tick = () => {
    stats.framesRendered += 1;
    if (pc) video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
}

async function pollStats() {
  while (pc) {
    try {
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && (s.kind === "video" || s.mediaType === "video")) {
          stats.framesDecoded = s.framesDecoded ?? stats.framesDecoded;
        }
      });
    } catch {
      /* the connection closed between checks */
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
  if (!$("consent").checked) return void (err.textContent = t("needConsent"), $("consent").focus());
  $("btn-join").disabled = true;
  try {
    await ensureMedia();
  } catch (e) {
    err.textContent = t("noCamera") + e.name;
    $("btn-join").disabled = false;
    return;
  }
  joinDetails = { category, name, phone: $("phone").value.trim(), recording_consent: true };
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
  stats.ready = true;
}

main();
