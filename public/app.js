// @ts-check
// The demo page: plain modern JavaScript, no framework. The REST API is the
// source of truth; the event stream keeps the page in step, and on `reset`
// (events missed beyond the server's history) the page reloads from the API.

// The package's browser client, served by the demo from the package's build.
import { createSseClient } from '/vendor/nestjs-sse-broker/client/index.js';
import { ApiError, api } from './api.js';
import { $, byNewest, refreshTimes, setBadge } from './dom.js';
import { announcementItem, errorOf, historyItem, inboxItem, notificationItem, requestItem } from './items.js';

/**
 * The events and their data, declared once for the demo's services and this page.
 * @typedef {import('../src/live/app-events.js').AppEvents} AppEvents
 * @typedef {AppEvents['notification']} Notification
 * @typedef {AppEvents['approval:status_changed']} Approval
 * @typedef {AppEvents['announcement']} Announcement
 * @typedef {import('/vendor/nestjs-sse-broker/client/index.js').SseClient<AppEvents>} SseClient
 * @typedef {import('/vendor/nestjs-sse-broker/client/index.js').SseClientState} SseClientState
 * @typedef {import('/vendor/nestjs-sse-broker/client/index.js').SseStateDetail} SseStateDetail
 * @typedef {{ id: string, tenantId?: string, displayName: string, roles: string[] }} Me
 */

const FORMS = ['login-form', 'notify-form', 'request-form', 'announce-form'];
const STATE_LABELS = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', closed: 'offline' };

/**
 * Everything the page knows about the logged-in user; replaced whole at logout.
 * @typedef {object} Session
 * @property {Me | null} me
 * @property {SseClient | null} client
 * @property {boolean} loaded
 * @property {Set<Array<() => void>>} reloads For each reload under way, the events received meanwhile, to apply again after it.
 * @property {number} unreadCount
 * @property {Map<string, Notification>} notifications
 * @property {Map<string, Approval>} approvals
 * @property {Map<string, Announcement>} announcements
 */

/** @returns {Session} */
const emptySession = () => ({
  me: null,
  client: null,
  loaded: false,
  reloads: new Set(),
  unreadCount: 0,
  notifications: new Map(),
  approvals: new Map(),
  announcements: new Map(),
});
let session = emptySession();

// --- requests ------------------------------------------------------------------

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/**
 * Runs `work` with `button` disabled, showing a failure in `errorElement`;
 * an answer that arrives after logout is dropped.
 */
async function busy(button, errorElement, work) {
  const owner = session;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (errorElement) errorElement.textContent = '';
  try {
    await work();
  } catch (err) {
    if (owner === session && errorElement) errorElement.textContent = messageOf(err);
    else if (owner === session) throw err;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// --- lists ---------------------------------------------------------------------

function fill(listId, items) {
  $(`#${listId}`).replaceChildren(...items);
  $(`[data-empty-for=${listId}]`).hidden = items.length > 0 || !session.loaded;
}

// --- rendering -------------------------------------------------------------------

function renderNotifications() {
  const markRead = (n) => (button) =>
    busy(button, errorOf(button), async () =>
      upsertNotification(await api(`/notifications/${n.id}/read`, { method: 'PATCH' })),
    );
  fill(
    'notifications',
    [...session.notifications.values()].sort(byNewest).map((n) => notificationItem(n, markRead(n))),
  );
  setBadge('#unread', session.unreadCount);
  $('#read-all').disabled = session.unreadCount === 0;
}

/** @param {Notification} notification */
function upsertNotification(notification) {
  const before = session.notifications.get(notification.id);
  const wasUnread = before ? !before.readAt : false;
  session.notifications.set(notification.id, notification);
  if (!before && !notification.readAt) session.unreadCount++;
  if (wasUnread && notification.readAt) session.unreadCount = Math.max(0, session.unreadCount - 1);
  renderNotifications();
}

function renderApprovals() {
  // Logged out, the approvals are empty and nobody's.
  const me = session.me?.id ?? '';
  const all = [...session.approvals.values()].sort(byNewest);
  const waiting = all.filter((a) => a.status === 'pending' && a.currentApproverId === me);
  const decide = (a) => (action, button) => {
    const both = button.parentElement.querySelectorAll('button');
    return busy(button, errorOf(button), async () => {
      for (const b of both) b.disabled = true;
      try {
        upsertApproval(await api(`/approvals/${a.id}/${action}`, { method: 'POST', body: {} }));
      } finally {
        for (const b of both) b.disabled = false;
      }
    });
  };
  fill('inbox', waiting.map((a) => inboxItem(a, decide(a))));
  setBadge('#pending-count', waiting.length);
  fill('requests', all.filter((a) => a.requesterId === me).map(requestItem));
  fill(
    'history',
    all
      .filter((a) => a.requesterId !== me && a.approverIds.includes(me) && !waiting.includes(a))
      .map((a) => historyItem(a, me)),
  );
}

/** @param {Approval} approval */
function upsertApproval(approval) {
  const known = session.approvals.get(approval.id);
  // Events and answers may cross: never go back to an older state.
  if (known && known.updatedAt > approval.updatedAt) return;
  session.approvals.set(approval.id, approval);
  renderApprovals();
}

function renderAnnouncements() {
  fill('announcements', [...session.announcements.values()].sort(byNewest).map(announcementItem));
}

/** @param {Announcement} announcement */
function upsertAnnouncement(announcement) {
  session.announcements.set(announcement.id, announcement);
  renderAnnouncements();
}

function renderAll() {
  renderNotifications();
  renderApprovals();
  renderAnnouncements();
}

// --- loading from the API (once live, and on reset) --------------------------------

async function reload() {
  const owner = session;
  // Each reload keeps its own list: a `reset` may start one while another runs.
  /** @type {Array<() => void>} */
  const during = [];
  owner.reloads.add(during);
  const [notifications, unread, mine, asApprover, announcements] = await Promise.all([
    api('/notifications?limit=50'),
    api('/notifications/unread-count'),
    api('/approvals?role=requester'),
    api('/approvals?role=approver'),
    api('/announcements?limit=20'),
  ]).finally(() => owner.reloads.delete(during));
  if (owner !== session) return; // logged out (or in as someone else) meanwhile
  session.notifications = new Map(notifications.map((n) => [n.id, n]));
  session.unreadCount = unread.unreadCount;
  session.approvals = new Map([...mine, ...asApprover].map((a) => [a.id, a]));
  session.announcements = new Map(announcements.map((a) => [a.id, a]));
  session.loaded = true;
  // Events that arrived while loading may be newer than what was loaded;
  // applying them again is harmless (updates are idempotent by id).
  for (const apply of during) apply();
  renderAll();
}

/** @param {unknown} err */
function showLoadError(err) {
  $('#notifications-error').textContent = `Could not load your data: ${messageOf(err)}`;
}

// --- the live stream ----------------------------------------------------------------

/** @param {SseClientState} state */
function setConnection(state) {
  const label = STATE_LABELS[state] ?? state;
  if (state !== 'closed') $('#reconnect').hidden = true;
  $('#connection').textContent = label;
  $('#connection').dataset.state = label;
}

/** @param {Me} me */
function connect(me) {
  const owner = session;
  // The HttpOnly cookie set at login authenticates the stream; one connection
  // serves every tab of this browser.
  /** @type {SseClient} */
  const client = createSseClient({
    url: '/sse/stream',
    topics: ['announcements'],
    user: `${me.tenantId}/${me.id}`,
    shareAcrossTabs: true,
    // The last id survives a reload of this tab and goes at logout.
    storage: sessionStorage,
  });
  session.client = client;
  client.onStateChange((state, detail) => {
    if (owner !== session) return;
    setConnection(state);
    // Loaded once the stream is open, so nothing published meanwhile is
    // missed; every update is idempotent by id.
    if (state === 'live' && !session.loaded) reload().catch(showLoadError);
    if (state === 'closed') checkSession(detail);
  });
  client.onReset(() => reload().catch(showLoadError));
  /**
   * Applies an event now, and again after each reload that is under way.
   * @template {keyof AppEvents} K
   * @param {K} event
   * @param {(data: AppEvents[K]) => void} apply
   */
  const on = (event, apply) =>
    client.on(event, (data) => {
      if (owner !== session) return;
      for (const during of session.reloads) during.push(() => apply(data));
      apply(data);
    });
  on('notification', upsertNotification);
  on('notification:read', ({ ids, unreadCount }) => {
    for (const id of ids) {
      const n = session.notifications.get(id);
      if (n && !n.readAt) session.notifications.set(id, { ...n, readAt: new Date().toISOString() });
    }
    session.unreadCount = unreadCount;
    renderNotifications();
  });
  on('approval:requested', upsertApproval);
  on('approval:status_changed', upsertApproval);
  on('announcement', upsertAnnouncement);
}

/**
 * The stream stopped (the server refused it, or disconnected this user): if
 * the session is over, back to the login form; otherwise offer to reconnect.
 */
/** @param {SseStateDetail | undefined} detail */
async function checkSession(detail) {
  const owner = session;
  try {
    if (detail?.status === 401) throw new ApiError(detail.code ?? 'unauthorized', 401, detail.code);
    await api('/auth/me');
    if (owner === session) $('#reconnect').hidden = false;
  } catch (err) {
    if (owner === session && err instanceof ApiError && err.status === 401) {
      clearSession();
      showLogin();
      $('#login-error').textContent = 'Your session has ended. Please log in again.';
    }
  }
}

// --- login / logout ------------------------------------------------------------------

async function start() {
  let me;
  try {
    me = await api('/auth/me');
  } catch {
    showLogin();
    return;
  }
  session = { ...emptySession(), me };
  $('#whoami').textContent = `${me.displayName} (${me.tenantId})`;
  $('#avatar').textContent = me.displayName.slice(0, 1).toUpperCase();
  $('#user-chip').hidden = false;
  $('#logout').hidden = false;
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  $('#announce-panel').hidden = !me.roles.includes('admin');
  connect(me);
}

function showLogin() {
  $('#login-view').hidden = false;
  $('#app-view').hidden = true;
  $('#logout').hidden = true;
  $('#user-chip').hidden = true;
  setConnection('closed');
  $('#login-form [name=username]').focus();
}

/** Nothing of the previous user may remain for the next one at this screen. */
function clearSession() {
  session.client?.close();
  sessionStorage.clear();
  session = emptySession();
  renderAll();
  $('#whoami').textContent = '';
  $('#avatar').textContent = '';
  $('#announce-panel').hidden = true;
  $('#reconnect').hidden = true;
  for (const id of FORMS) $(`#${id}`).reset();
  for (const panel of document.querySelectorAll('details')) panel.open = false;
  for (const message of document.querySelectorAll('.error, .success')) message.textContent = '';
}

$('#reconnect').addEventListener('click', () => session.client?.reconnect());

/** The other tabs of this browser share the cookie: they log in and out with this one. */
const tabs = 'BroadcastChannel' in globalThis ? new BroadcastChannel('nest-sse-demo:session') : null;
tabs?.addEventListener('message', ({ data }) => {
  if (data === 'logout' && session.me) {
    clearSession();
    showLogin();
  }
  if (data === 'login' && !session.me) start();
});

$('#logout').addEventListener('click', (event) =>
  busy(event.currentTarget, null, async () => {
    clearSession();
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    tabs?.postMessage('logout');
    showLogin();
  }),
);

// --- forms ------------------------------------------------------------------------------

/** Submits a form: its button is disabled meanwhile, a failure shows in the form. */
function onSubmit(formId, handler) {
  const form = $(`#${formId}`);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const error = form.querySelector('.error');
    if (!form.checkValidity()) {
      const invalid = form.querySelector(':invalid');
      error.textContent = `${form.querySelector(`label[for=${invalid.id}]`).textContent}: ${invalid.validationMessage}`;
      invalid.focus();
      return;
    }
    busy(form.querySelector('button[type=submit]'), error, () => handler(new FormData(form), form));
  });
}

onSubmit('login-form', async (data, form) => {
  await api('/auth/login', {
    method: 'POST',
    body: { username: data.get('username'), password: data.get('password') },
  });
  form.reset();
  await start();
  tabs?.postMessage('login');
});

onSubmit('notify-form', async (data, form) => {
  const sent = await api('/notifications', {
    method: 'POST',
    body: {
      recipientId: String(data.get('recipientId')).trim(),
      title: data.get('title'),
      body: data.get('body'),
      priority: data.get('priority'),
    },
  });
  form.reset();
  $('#notify-done').textContent = `Sent to ${sent.recipientId}.`;
});

onSubmit('request-form', async (data, form) => {
  const approverIds = String(data.get('approvers'))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  upsertApproval(await api('/approvals', { method: 'POST', body: { title: data.get('title'), approverIds } }));
  form.reset();
});

onSubmit('announce-form', async (data, form) => {
  upsertAnnouncement(await api('/announcements', { method: 'POST', body: { title: data.get('title'), body: data.get('body') } }));
  form.reset();
});

$('#notify-form').addEventListener('input', () => ($('#notify-done').textContent = ''));

$('#read-all').addEventListener('click', (event) =>
  busy(event.currentTarget, $('#notifications-error'), async () => {
    const { ids, unreadCount } = await api('/notifications/read-all', { method: 'POST' });
    for (const id of ids) {
      const n = session.notifications.get(id);
      if (n && !n.readAt) session.notifications.set(id, { ...n, readAt: new Date().toISOString() });
    }
    session.unreadCount = unreadCount;
  }).then(renderNotifications),
);

setInterval(refreshTimes, 30_000);
renderAll();
start();
