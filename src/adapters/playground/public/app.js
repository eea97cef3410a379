// The playground page: plain JS, no build step. The server renders every message body (and escapes it);
// everything this file builds itself goes through textContent, never through HTML strings.

const API = "/playground/api";
const PERSON_KEY = "firebreak.playground.as";

const $ = (id) => document.getElementById(id);

const view = {
  me: "",
  botUserId: "firebreak",
  people: [],
  /** @type {Map<string, any>} */
  channels: new Map(),
  /** @type {Map<string, any>} id → message view, in arrival order */
  messages: new Map(),
  current: "",
  unread: new Set(),
  openForm: null,
};

let source = null;
let retryMs = 1000;
let retryTimer = 0;
let noticeTimer = 0;

// ---- server calls ----------------------------------------------------------------------------------------

async function postJson(path, body) {
  const res = await fetch(`${API}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: view.me, ...body }),
  });
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  return { status: res.status, data };
}

function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, 5000);
}

// ---- live updates ----------------------------------------------------------------------------------------

function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

function connect() {
  clearTimeout(retryTimer);
  if (source) source.close();
  setStatus("connecting", "Connecting…");
  const es = new EventSource(`${API}/events?as=${encodeURIComponent(view.me)}`);
  source = es;
  es.addEventListener("open", () => {
    retryMs = 1000;
    setStatus("live", "Live");
  });
  es.addEventListener("snapshot", (e) => applySnapshot(JSON.parse(e.data)));
  es.addEventListener("channel", (e) => {
    const channel = JSON.parse(e.data);
    view.channels.set(channel.id, channel);
    renderSidebar();
    if (channel.id === view.current) renderHeader();
  });
  es.addEventListener("message", (e) => {
    const message = JSON.parse(e.data);
    const isNew = !view.messages.has(message.id);
    view.messages.set(message.id, message);
    if (message.channelId === view.current) {
      renderMessages(isNew && message.author === view.me);
      renderPins();
    } else if (isNew) {
      view.unread.add(message.channelId);
      renderSidebar();
    }
  });
  es.addEventListener("form", (e) => openForm(JSON.parse(e.data)));
  es.addEventListener("error", () => {
    if (es !== source) return;
    setStatus("reconnecting", "Reconnecting…");
    // While the stream is CONNECTING the browser retries by itself; once it gives up (CLOSED, e.g. the
    // server answered with an error during a restart) we retry ourselves, backing off up to 15 s.
    if (es.readyState === EventSource.CLOSED) {
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    }
  });
}

function applySnapshot(data) {
  view.botUserId = data.botUserId;
  view.channels = new Map(data.channels.map((c) => [c.id, c]));
  view.messages = new Map(data.messages.map((m) => [m.id, m]));
  const fromHash = channelFromHash();
  if (fromHash && view.channels.has(fromHash)) view.current = fromHash;
  if (!view.channels.has(view.current)) view.current = defaultChannel();
  renderAll(true);
  const message = fromHash === view.current ? messageFromHash() : "";
  if (message) flashMessage(message);
}

function defaultChannel() {
  const channels = [...view.channels.values()].filter((c) => c.kind === "channel");
  return (
    (channels.find((c) => c.name === "general") ?? channels[0] ?? [...view.channels.values()][0])?.id ?? ""
  );
}

// ---- rendering -------------------------------------------------------------------------------------------

function renderAll(scrollToEnd) {
  renderSidebar();
  renderHeader();
  renderMessages(scrollToEnd);
  renderPins();
}

function channelItem(channel) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = `#/c/${encodeURIComponent(channel.id)}`;
  a.textContent = channel.kind === "dm" ? channel.label : `# ${channel.label}`;
  a.dataset.testid = "channel-item";
  a.dataset.channelId = channel.id;
  a.dataset.channelName = channel.name;
  a.classList.toggle("active", channel.id === view.current);
  a.classList.toggle("unread", view.unread.has(channel.id));
  a.classList.toggle("not-member", !channel.isMember);
  if (channel.id === view.current) a.setAttribute("aria-current", "page");
  li.append(a);
  return li;
}

function renderSidebar() {
  const all = [...view.channels.values()];
  // Channels the person is in come first; the other public channels follow, dimmed.
  const channels = all
    .filter((c) => c.kind === "channel")
    .sort((a, b) => Number(b.isMember) - Number(a.isMember) || a.name.localeCompare(b.name));
  $("channels").replaceChildren(...channels.map(channelItem));
  $("dms").replaceChildren(...all.filter((c) => c.kind === "dm").map(channelItem));
}

function renderHeader() {
  const channel = view.channels.get(view.current);
  $("channel-title").textContent = channel
    ? channel.kind === "dm"
      ? channel.label
      : `# ${channel.name}`
    : "";
  const topic = [channel?.displayName, channel?.topic].filter(Boolean).join(" — ");
  const members = channel ? `${channel.members.length} member${channel.members.length === 1 ? "" : "s"}` : "";
  $("channel-topic").textContent = [topic, members].filter(Boolean).join(" · ");
  document.title = channel
    ? `${$("channel-title").textContent} · Firebreak playground`
    : "Firebreak playground";
}

function formatTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function messageItem(m) {
  const item = document.createElement("article");
  item.className = `msg msg-${m.authorKind}`;
  item.dataset.testid = "message";
  item.dataset.messageId = m.id;
  item.dataset.author = m.author;
  item.classList.toggle("ephemeral", m.ephemeral);
  item.classList.toggle("echo", m.echo);
  item.classList.toggle("pinned", m.pinned);

  const meta = document.createElement("div");
  meta.className = "meta";
  const author = document.createElement("strong");
  author.textContent = m.authorKind === "bot" ? `${m.authorName} · bot` : m.authorName;
  const time = document.createElement("time");
  time.dateTime = m.postedAt;
  time.textContent = formatTime(m.postedAt);
  meta.append(author, time);
  if (m.edited) meta.append(tag("(edited)", "edited"));
  if (m.pinned) meta.append(tag("pinned", "pinned-marker"));
  if (m.ephemeral) meta.append(tag("only visible to you", "ephemeral-marker"));

  const body = document.createElement("div");
  body.className = "body";
  // Rendered and escaped on the server (src/adapters/playground/render.ts).
  body.innerHTML = m.html;
  for (const mention of body.querySelectorAll(".mention")) {
    if (mention.dataset.userId === view.me) mention.classList.add("me");
  }
  item.append(meta, body);
  const reactions = reactionsRow(m);
  if (reactions) item.append(reactions);
  return item;
}

/** Emoji the page can draw; any other reaction shows as its :name:. */
const EMOJI = { pushpin: "📌", eyes: "👀", "+1": "👍", white_check_mark: "✅" };

function personName(id) {
  if (id === view.botUserId) return id;
  return view.people.find((p) => p.id === id)?.name ?? id;
}

/** The reactions under a message, and the 📌 button that adds the person's own (what Slack's emoji picker does). */
function reactionsRow(m) {
  const reactions = m.reactions ?? [];
  if (reactions.length === 0 && !m.reactable) return null;
  const row = document.createElement("div");
  row.className = "reactions";
  for (const r of reactions) {
    const pill = document.createElement("span");
    pill.className = "reaction";
    pill.dataset.testid = "reaction";
    pill.dataset.reaction = r.name;
    pill.classList.toggle("mine", r.users.includes(view.me));
    pill.textContent = `${EMOJI[r.name] ?? `:${r.name}:`} ${r.users.length}`;
    pill.title = `${r.users.map(personName).join(", ")} reacted with :${r.name}:`;
    row.append(pill);
  }
  if (m.reactable) {
    const pinnedByMe = reactions.some((r) => r.name === "pushpin" && r.users.includes(view.me));
    const button = document.createElement("button");
    button.type = "button";
    button.className = "react";
    button.dataset.testid = "react-pushpin";
    button.dataset.reaction = "pushpin";
    button.textContent = "📌";
    button.title = pinnedByMe
      ? "You reacted with :pushpin:"
      : "React with :pushpin: (in an incident channel, adds the message to the timeline)";
    button.setAttribute("aria-label", "React with pushpin");
    button.disabled = pinnedByMe;
    row.append(button);
  }
  return row;
}

function tag(text, testid) {
  const span = document.createElement("span");
  span.className = `tag ${testid}`;
  span.dataset.testid = testid;
  span.textContent = text;
  return span;
}

function currentMessages() {
  return [...view.messages.values()].filter((m) => m.channelId === view.current);
}

function renderMessages(scrollToEnd) {
  const list = $("messages");
  const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const messages = currentMessages();
  if (messages.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "No messages yet. Try /incident help, or /incident open Search is down sev2.";
    list.replaceChildren(empty);
  } else {
    list.replaceChildren(...messages.map(messageItem));
  }
  if (scrollToEnd || nearEnd) list.scrollTop = list.scrollHeight;
}

function renderPins() {
  const pinned = currentMessages().filter((m) => m.pinned);
  $("pin-count").textContent = String(pinned.length);
  const pins = $("pins");
  if (pinned.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "Nothing pinned in this channel.";
    pins.replaceChildren(empty);
    return;
  }
  pins.replaceChildren(
    ...pinned.map((m) => {
      const a = document.createElement("a");
      a.href = "#";
      a.className = "pinned-item";
      a.dataset.testid = "pinned-item";
      a.dataset.messageId = m.id;
      a.textContent = m.text.split("\n")[0] || "(no text)";
      return a;
    }),
  );
}

// ---- navigation ------------------------------------------------------------------------------------------

// `#/c/<channel>` opens a channel; `#/c/<channel>/m/<message>` also scrolls to one message (a message link).
const HASH = /^#\/c\/([^/]+)(?:\/m\/([^/]+))?$/;

function channelFromHash() {
  const match = HASH.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : "";
}

function messageFromHash() {
  const match = HASH.exec(location.hash);
  return match?.[2] ? decodeURIComponent(match[2]) : "";
}

function flashMessage(id) {
  const target = document.querySelector(`[data-testid=message][data-message-id="${CSS.escape(id)}"]`);
  target?.scrollIntoView({ block: "center" });
  target?.classList.add("flash");
  setTimeout(() => target?.classList.remove("flash"), 1200);
}

function selectChannel(id) {
  if (!view.channels.has(id)) return;
  view.current = id;
  view.unread.delete(id);
  $("app").classList.remove("menu-open");
  renderAll(true);
  const message = messageFromHash();
  if (message) flashMessage(message);
}

window.addEventListener("hashchange", () => selectChannel(channelFromHash()));

$("menu").addEventListener("click", (e) => {
  e.stopPropagation();
  $("app").classList.toggle("menu-open");
});

// On a phone the channel list is a drawer: a tap beside it closes it.
document.querySelector(".pane").addEventListener("click", () => $("app").classList.remove("menu-open"));

$("pins-toggle").addEventListener("click", () => {
  const pins = $("pins");
  pins.hidden = !pins.hidden;
  $("pins-toggle").setAttribute("aria-expanded", String(!pins.hidden));
});

$("pins").addEventListener("click", (e) => {
  const link = e.target.closest("[data-testid=pinned-item]");
  if (!link) return;
  e.preventDefault();
  flashMessage(link.dataset.messageId);
});

// ---- composer --------------------------------------------------------------------------------------------

const input = $("composer-input");

async function send() {
  const text = input.value.trim();
  if (!text || !view.current) return;
  input.value = "";
  autosize();
  try {
    const { status, data } = await postJson("/messages", { channelId: view.current, text });
    // A failure inside the bot arrives as an ephemeral message; only refused requests need a notice here.
    if (status >= 400) {
      input.value = text;
      autosize();
      showNotice(data.message ?? "The playground refused that message.");
    }
  } catch {
    input.value = text;
    autosize();
    showNotice("Could not reach the playground server. Is it running?");
  }
}

function autosize() {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  send();
});

input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});

input.addEventListener("input", autosize);

// ---- buttons in messages ---------------------------------------------------------------------------------

$("messages").addEventListener("click", async (e) => {
  const button = e.target.closest("[data-testid=message-button]");
  if (!button || button.disabled) return;
  const messageId = button.closest("[data-testid=message]")?.dataset.messageId;
  button.disabled = true;
  try {
    const { status, data } = await postJson("/actions", {
      messageId,
      actionId: button.dataset.actionId,
      value: button.dataset.value,
    });
    if (status >= 400) showNotice(data.message ?? "That button did not work.");
  } catch {
    showNotice("Could not reach the playground server. Is it running?");
  } finally {
    // The message may have been re-rendered meanwhile; this only matters if the button is still there.
    button.disabled = false;
  }
});

// ---- reactions -------------------------------------------------------------------------------------------

$("messages").addEventListener("click", async (e) => {
  const button = e.target.closest("[data-testid=react-pushpin]");
  if (!button || button.disabled) return;
  const messageId = button.closest("[data-testid=message]")?.dataset.messageId;
  button.disabled = true;
  try {
    const { status, data } = await postJson("/reactions", { messageId, reaction: button.dataset.reaction });
    if (status >= 400) {
      showNotice(data.message ?? "That reaction did not work.");
      button.disabled = false;
    }
  } catch {
    showNotice("Could not reach the playground server. Is it running?");
    button.disabled = false;
  }
});

// ---- forms -----------------------------------------------------------------------------------------------

function openForm(form) {
  view.openForm = form;
  $("modal-title").textContent = form.title;
  $("modal-submit").textContent = form.submitLabel || "Submit";
  $("modal-fields").replaceChildren(
    ...form.fields.map((field) => {
      const wrap = document.createElement("label");
      wrap.className = "field";
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = field.optional ? `${field.label} (optional)` : field.label;
      let control;
      if (field.kind === "select") {
        control = document.createElement("select");
        const blank = document.createElement("option");
        blank.value = "";
        blank.textContent = field.placeholder ?? "Choose…";
        control.append(blank);
        for (const option of field.options ?? []) {
          const el = document.createElement("option");
          el.value = option.value;
          el.textContent = option.label;
          control.append(el);
        }
      } else {
        control = document.createElement(field.kind === "textarea" ? "textarea" : "input");
        if (field.kind === "text") control.type = "text";
        if (field.placeholder) control.placeholder = field.placeholder;
        if (field.maxLength) control.maxLength = field.maxLength;
      }
      control.name = field.id;
      control.dataset.testid = `form-field-${field.id}`;
      control.value = field.initial ?? "";
      control.required = !field.optional;
      const error = document.createElement("span");
      error.className = "error";
      error.dataset.testid = `form-error-${field.id}`;
      wrap.append(label, control);
      if (field.hint) {
        const hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = field.hint;
        wrap.append(hint);
      }
      wrap.append(error);
      return wrap;
    }),
  );
  const modal = $("modal");
  if (!modal.open) modal.showModal();
  modal.querySelector("input, textarea, select")?.focus();
}

function closeForm() {
  view.openForm = null;
  const modal = $("modal");
  if (modal.open) modal.close();
}

$("modal-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = view.openForm;
  if (!form) return;
  const values = {};
  for (const field of form.fields) {
    values[field.id] = $("modal-fields").querySelector(`[name="${CSS.escape(field.id)}"]`)?.value ?? "";
  }
  for (const el of $("modal-fields").querySelectorAll(".error")) el.textContent = "";
  $("modal-submit").disabled = true;
  try {
    const { status, data } = await postJson(`/forms/${encodeURIComponent(form.id)}`, { values });
    if (data.errors) {
      for (const [id, message] of Object.entries(data.errors)) {
        const el = $("modal-fields").querySelector(`[data-testid="form-error-${CSS.escape(id)}"]`);
        if (el) el.textContent = message;
      }
      return;
    }
    closeForm();
    if (status >= 400) showNotice(data.message ?? "The form could not be submitted.");
  } catch {
    showNotice("Could not reach the playground server. Is it running?");
  } finally {
    $("modal-submit").disabled = false;
  }
});

function cancelForm() {
  const form = view.openForm;
  closeForm();
  if (form) postJson(`/forms/${encodeURIComponent(form.id)}/cancel`, {}).catch(() => {});
}

$("modal-cancel").addEventListener("click", cancelForm);
// Escape closes a <dialog> by itself; tell the server the form is gone too.
$("modal").addEventListener("cancel", (e) => {
  e.preventDefault();
  cancelForm();
});

// ---- acting as -------------------------------------------------------------------------------------------

function readStoredPerson() {
  try {
    return localStorage.getItem(PERSON_KEY);
  } catch {
    return null; // storage can be disabled; the first person is a fine default then
  }
}

$("person").addEventListener("change", (e) => {
  view.me = e.target.value;
  try {
    localStorage.setItem(PERSON_KEY, view.me);
  } catch {
    // not persisted, still works for this tab
  }
  closeForm();
  view.unread.clear();
  connect();
});

async function start() {
  try {
    const res = await fetch(`${API}/people`);
    const data = await res.json();
    view.people = data.people;
    view.botUserId = data.botUserId;
  } catch {
    setStatus("reconnecting", "Cannot reach the server; retrying…");
    setTimeout(start, 2000);
    return;
  }
  const stored = readStoredPerson();
  view.me = view.people.some((p) => p.id === stored) ? stored : (view.people[0]?.id ?? "");
  $("person").replaceChildren(
    ...view.people.map((p) => {
      const option = document.createElement("option");
      option.value = p.id;
      option.textContent = p.name === p.id ? p.id : `${p.name} (${p.id})`;
      return option;
    }),
  );
  $("person").value = view.me;
  connect();
}

start();
