// The demo page: plain modern JavaScript, no framework. The REST API is the
// source of truth; the event stream keeps the page in step, and on `reset`
// (events missed beyond the server's history) the page reloads from the API.

const $ = (selector) => document.querySelector(selector);
const state = { me: null, source: null, notifications: new Map(), approvals: new Map(), announcements: new Map() };

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    ...options,
  });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(body?.message ?? response.statusText), { status: response.status, body });
  return body;
}

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

function button(label, onClick) {
  const element = text('button', label);
  element.addEventListener('click', onClick);
  return element;
}

// --- rendering -------------------------------------------------------------

function renderNotifications() {
  const list = $('#notifications');
  list.replaceChildren();
  const sorted = [...state.notifications.values()].sort((a, b) => Number(b.id) - Number(a.id));
  for (const n of sorted) {
    const item = document.createElement('li');
    item.dataset.id = n.id;
    item.className = n.readAt ? 'read' : 'unread';
    const meta = [n.body, `from ${n.senderId ?? 'system'}`, n.priority].filter(Boolean).join(' · ');
    item.append(text('div', n.title), text('div', meta, 'meta'));
    if (!n.readAt) item.append(button('Mark read', () => api(`/notifications/${n.id}/read`, { method: 'PATCH' })));
    list.append(item);
  }
}

function setUnread(count) {
  $('#unread').textContent = String(count);
  $('#unread').dataset.count = String(count);
}

function renderApprovals() {
  if (!state.me) return; // a request's answer that arrived after logout
  const inbox = $('#inbox');
  const requests = $('#requests');
  inbox.replaceChildren();
  requests.replaceChildren();
  const sorted = [...state.approvals.values()].sort((a, b) => Number(b.id) - Number(a.id));
  for (const a of sorted) {
    if (a.currentApproverId === state.me.id) {
      const item = document.createElement('li');
      item.dataset.id = a.id;
      item.append(
        text('div', a.title),
        text('div', `from ${a.requesterId} · step ${a.step + 1} of ${a.approverIds.length}`, 'meta'),
        button('Approve', () => decide(a.id, 'approve')),
        button('Reject', () => decide(a.id, 'reject')),
      );
      inbox.append(item);
    }
    if (a.requesterId === state.me.id) {
      const item = document.createElement('li');
      item.dataset.id = a.id;
      const waiting = a.currentApproverId ? ` · waiting for ${a.currentApproverId}` : '';
      item.append(text('div', a.title), text('span', a.status, `status status-${a.status}`), text('span', waiting, 'meta'));
      requests.append(item);
    }
  }
}

async function decide(id, action) {
  const approval = await api(`/approvals/${id}/${action}`, { method: 'POST', body: '{}' });
  upsertApproval(approval);
}

function upsertApproval(approval) {
  state.approvals.set(approval.id, approval);
  renderApprovals();
}

function renderAnnouncements() {
  const sorted = [...state.announcements.values()].sort((a, b) => Number(b.id) - Number(a.id));
  $('#announcements').replaceChildren(...sorted.map((a) => text('li', `${a.title}: ${a.body} (${a.by})`)));
}

function upsertAnnouncement(announcement) {
  state.announcements.set(announcement.id, announcement);
  renderAnnouncements();
}

// --- loading from the API (on connect and on reset) ---------------------------

async function reload() {
  const me = state.me;
  const [notifications, unread, mine, inbox, announcements] = await Promise.all([
    api('/notifications?limit=50'),
    api('/notifications/unread-count'),
    api('/approvals?role=requester'),
    api('/approvals?role=approver&status=pending'),
    api('/announcements?limit=20'),
  ]);
  // Logged out (or in as someone else) while loading: these are not theirs.
  if (state.me !== me) return;
  state.notifications = new Map(notifications.map((n) => [n.id, n]));
  state.approvals = new Map([...mine, ...inbox].map((a) => [a.id, a]));
  state.announcements = new Map(announcements.map((a) => [a.id, a]));
  setUnread(unread.unreadCount);
  renderNotifications();
  renderApprovals();
  renderAnnouncements();
}

// --- the live stream ----------------------------------------------------------

function setConnection(value) {
  $('#connection').textContent = value;
  $('#connection').dataset.state = value;
}

function connect() {
  setConnection('connecting');
  // The HttpOnly cookie set at login authenticates the stream.
  const source = new EventSource('/sse/stream?topics=announcements');
  state.source = source;
  const on = (event, handler) => source.addEventListener(event, (e) => handler(JSON.parse(e.data)));

  // Loaded after the stream is open, so nothing published meanwhile is missed;
  // updates are idempotent by id.
  on('connected', () => {
    setConnection('live');
    reload().catch(console.error);
  });
  on('reset', () => reload().catch(console.error));
  on('notification', (n) => {
    const isNew = !state.notifications.has(n.id);
    state.notifications.set(n.id, n);
    if (isNew && !n.readAt) setUnread(Number($('#unread').textContent) + 1);
    renderNotifications();
  });
  on('notification:read', ({ ids, unreadCount }) => {
    for (const id of ids) {
      const n = state.notifications.get(id);
      if (n) state.notifications.set(id, { ...n, readAt: n.readAt ?? new Date().toISOString() });
    }
    setUnread(unreadCount);
    renderNotifications();
  });
  on('approval:requested', upsertApproval);
  on('approval:status_changed', upsertApproval);
  on('announcement', upsertAnnouncement);
  on('close', ({ reason }) => {
    if (reason === 'token_expired') logout();
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) setConnection('reconnecting');
    else setConnection('offline');
  });
}

// --- login / logout -------------------------------------------------------------

async function start() {
  try {
    state.me = await api('/auth/me');
  } catch {
    showLogin();
    return;
  }
  $('#whoami').textContent = `${state.me.displayName} (${state.me.tenantId})`;
  $('#logout').hidden = false;
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  connect();
}

function showLogin() {
  $('#login-view').hidden = false;
  $('#app-view').hidden = true;
  $('#logout').hidden = true;
  $('#whoami').textContent = '';
  setConnection('offline');
}

// Nothing of the previous user may remain for the next one at this screen.
function clearUser() {
  state.source?.close();
  state.source = null;
  state.me = null;
  state.notifications = new Map();
  state.approvals = new Map();
  state.announcements = new Map();
  for (const list of ['#notifications', '#inbox', '#requests', '#announcements']) $(list).replaceChildren();
  setUnread(0);
  for (const form of ['#login-form', '#request-form']) $(form).reset();
  for (const error of ['#login-error', '#request-error']) $(error).textContent = '';
}

async function logout() {
  clearUser();
  await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  showLogin();
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await api('/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    });
    $('#login-error').textContent = '';
    await start();
  } catch (err) {
    $('#login-error').textContent = err.message;
  }
});

$('#request-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const approverIds = String(form.get('approvers')).split(',').map((s) => s.trim()).filter(Boolean);
  try {
    upsertApproval(await api('/approvals', { method: 'POST', body: JSON.stringify({ title: form.get('title'), approverIds }) }));
    event.target.reset();
    $('#request-error').textContent = '';
  } catch (err) {
    $('#request-error').textContent = err.message;
  }
});

$('#read-all').addEventListener('click', () => api('/notifications/read-all', { method: 'POST' }));
$('#logout').addEventListener('click', logout);

start();
