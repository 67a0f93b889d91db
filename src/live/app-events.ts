import type { Announcement } from '../announcements/announcement.js';
import type { Approval } from '../approvals/approval.js';
import type { Notification } from '../notifications/notification.js';

/** What the `notification:read` event carries: the ids now read and the new unread count. */
export interface NotificationsRead {
  ids: string[];
  unreadCount: number;
}

/**
 * Every event the demo publishes, and its data: the contract between the
 * services that publish (through `SseBroker<AppEvents>`) and the page that
 * listens. An event not declared here, or data of another shape, does not
 * compile.
 */
export interface AppEvents {
  /** To the approver whose decision is now awaited. */
  'approval:requested': Approval;
  /**
   * After each decision: to the requester, to every approver but the one it
   * now waits for (who gets `approval:requested`), and to the topic
   * `approval:<id>`.
   */
  'approval:status_changed': Approval;
  /** To its recipient, once stored. */
  notification: Notification;
  /** To every device of the user, after notifications were marked read. */
  'notification:read': NotificationsRead;
  /** To everyone in the tenant. */
  announcement: Announcement;
}

/** A declared event name. */
export type AppEvent = keyof AppEvents;
