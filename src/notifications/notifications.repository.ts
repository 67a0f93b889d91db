import { Injectable } from '@nestjs/common';
import { isRecordId } from '../common/record-id.js';
import { Database, type Queryable } from '../database/database.js';
import type { Notification, Priority } from './notification.js';

interface Row {
  id: string | number;
  recipient_id: string;
  sender_id: string | null;
  title: string;
  body: string;
  priority: Priority;
  created_at: Date;
  read_at: Date | null;
}

const toNotification = (row: Row): Notification => ({
  id: String(row.id),
  recipientId: row.recipient_id,
  senderId: row.sender_id,
  title: row.title,
  body: row.body,
  priority: row.priority,
  createdAt: new Date(row.created_at).toISOString(),
  readAt: row.read_at && new Date(row.read_at).toISOString(),
});

export interface NewNotification {
  tenantId: string;
  recipientId: string;
  senderId: string | null;
  title: string;
  body: string;
  priority: Priority;
}

/**
 * Whose notifications: a user id names a person only within its tenant (the
 * same id in another tenant is someone else), so every query takes both.
 */
export interface Recipient {
  tenantId: string;
  userId: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly db: Database) {}

  async create(
    n: NewNotification,
    on: Queryable = this.db,
  ): Promise<Notification> {
    const [row] = await on.query<Row>(
      `INSERT INTO notifications (tenant_id, recipient_id, sender_id, title, body, priority)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [n.tenantId, n.recipientId, n.senderId, n.title, n.body, n.priority],
    );
    return toNotification(row);
  }

  /** The recipient's notifications, newest first, before `cursor` (an id) when given. */
  async list(
    recipient: Recipient,
    opts: { unread: boolean; limit: number; cursor?: string },
  ): Promise<Notification[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM notifications
       WHERE tenant_id = $1 AND recipient_id = $2 AND ($3::boolean = false OR read_at IS NULL) AND ($4::bigint IS NULL OR id < $4::bigint)
       ORDER BY id DESC LIMIT $5`,
      [
        recipient.tenantId,
        recipient.userId,
        opts.unread,
        opts.cursor ?? null,
        opts.limit,
      ],
    );
    return rows.map(toNotification);
  }

  async unreadCount(
    recipient: Recipient,
    on: Queryable = this.db,
  ): Promise<number> {
    const [row] = await on.query<{ count: string | number }>(
      'SELECT count(*) AS count FROM notifications WHERE tenant_id = $1 AND recipient_id = $2 AND read_at IS NULL',
      [recipient.tenantId, recipient.userId],
    );
    return Number(row.count);
  }

  /** Marks one of the recipient's notifications read; undefined when it is not theirs. */
  async markRead(
    id: string,
    recipient: Recipient,
    on: Queryable = this.db,
  ): Promise<Notification | undefined> {
    if (!isRecordId(id)) return undefined;
    const [row] = await on.query<Row>(
      `UPDATE notifications SET read_at = COALESCE(read_at, now())
       WHERE id = $1::bigint AND tenant_id = $2 AND recipient_id = $3 RETURNING *`,
      [id, recipient.tenantId, recipient.userId],
    );
    return row && toNotification(row);
  }

  /** Marks all of the recipient's notifications read; returns the ids changed. */
  async markAllRead(
    recipient: Recipient,
    on: Queryable = this.db,
  ): Promise<string[]> {
    const rows = await on.query<{ id: string | number }>(
      'UPDATE notifications SET read_at = now() WHERE tenant_id = $1 AND recipient_id = $2 AND read_at IS NULL RETURNING id',
      [recipient.tenantId, recipient.userId],
    );
    return rows.map((r) => String(r.id));
  }
}
