// @ts-check
// The list items of the demo page: what each record looks like. Actions
// (buttons) call back into the page, which runs the request.
import { el, timeAgo } from './dom.js';

/**
 * The records, as the API and the events carry them (declared once for the
 * demo's services and this page).
 * @typedef {import('../src/live/app-events.js').AppEvents} AppEvents
 * @typedef {AppEvents['notification']} Notification
 * @typedef {AppEvents['approval:status_changed']} Approval
 * @typedef {AppEvents['announcement']} Announcement
 */

const button = (label, className, onClick) => {
  const element = el('button', { className: `button small ${className}`, type: 'button', textContent: label });
  element.addEventListener('click', () => onClick(element));
  return element;
};

/** A list item: the record's lines, then its buttons and the place for their errors. */
function item(record, className, lines, buttons = []) {
  const li = el('li', { className: `item ${className}`, dataset: { id: record.id } }, el('div', { className: 'item-main' }, ...lines));
  if (buttons.length) li.append(el('div', { className: 'item-actions' }, ...buttons), el('p', { className: 'error', role: 'alert' }));
  return li;
}

const title = (...parts) => el('div', { className: 'item-title' }, ...parts);
const body = (text) => (text ? el('div', { className: 'item-body', textContent: text }) : null);
const meta = (text, at) => el('div', { className: 'meta' }, `${text} · `, timeAgo(at));

/** The item's error line, for a failed action. */
export const errorOf = (element) => element.closest('li').querySelector('.error');

/**
 * `onMarkRead(button)` runs when an unread one is marked read.
 * @param {Notification} n
 * @param {(button: HTMLButtonElement) => void} onMarkRead
 */
export function notificationItem(n, onMarkRead) {
  const tag = n.priority !== 'normal' ? el('span', { className: `tag tag-${n.priority}`, textContent: n.priority }) : null;
  return item(
    n,
    n.readAt ? 'read' : 'unread',
    [title(tag, n.title), body(n.body), meta(`from ${n.senderId ?? 'the system'}`, n.createdAt)],
    n.readAt ? [] : [button('Mark read', 'ghost', onMarkRead)],
  );
}

/** @param {Approval} a */
const statusPill = (a) => el('span', { className: `status status-${a.status}`, textContent: a.status });

/**
 * Where an approval stands, in words, for the requester.
 * @param {Approval} a
 */
function progress(a) {
  const approvedBy = a.approverIds.slice(0, a.step);
  if (a.status === 'approved') return `approved by ${a.approverIds.join(', ')}`;
  if (a.status === 'rejected')
    return `rejected by ${a.approverIds[a.step]}${approvedBy.length ? ` after ${approvedBy.join(', ')}` : ''}`;
  return `waiting for ${a.currentApproverId} · step ${a.step + 1} of ${a.approverIds.length}`;
}

/**
 * Where an approval stands for one of its approvers.
 * @param {Approval} a
 * @param {string} me
 */
function myPart(a, me) {
  const mine = a.approverIds.indexOf(me);
  if (a.status === 'rejected' && a.approverIds[a.step] === me) return 'you rejected it';
  if (mine < a.step || a.status === 'approved') return `you approved it · ${progress(a)}`;
  if (a.status === 'rejected') return progress(a);
  return `your turn comes after ${a.approverIds.slice(a.step, mine).join(', ')}`;
}

/**
 * An approval waiting for the caller.
 * @param {Approval} a
 * @param {(action: 'approve' | 'reject', button: HTMLButtonElement) => void} onDecide
 */
export function inboxItem(a, onDecide) {
  const before = a.approverIds.slice(0, a.step);
  const from = `from ${a.requesterId}${before.length ? ` · approved by ${before.join(', ')}` : ''}`;
  return item(
    a,
    'todo',
    [title(a.title), meta(`${from} · step ${a.step + 1} of ${a.approverIds.length}`, a.updatedAt)],
    [button('Approve', 'primary', (b) => onDecide('approve', b)), button('Reject', 'danger', (b) => onDecide('reject', b))],
  );
}

/**
 * One of the caller's own requests.
 * @param {Approval} a
 */
export function requestItem(a) {
  return item(a, '', [title(a.title, ' ', statusPill(a)), meta(progress(a), a.updatedAt)]);
}

/**
 * A request naming the caller as an approver, decided or not yet theirs to decide.
 * @param {Approval} a
 * @param {string} me
 */
export function historyItem(a, me) {
  return item(a, '', [title(a.title, ' ', statusPill(a)), meta(`from ${a.requesterId} · ${myPart(a, me)}`, a.updatedAt)]);
}

/** @param {Announcement} a */
export function announcementItem(a) {
  return item(a, '', [title(a.title), body(a.body), meta(`by ${a.by}`, a.at)]);
}
