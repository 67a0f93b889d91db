import { HttpStatus, Injectable } from '@nestjs/common';
import { SseHttpException, type SseIdentity } from 'nestjs-sse-broker';
import {
  LiveEvents,
  type LiveTransaction,
} from '../live/live-events.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { Notification } from './notification.js';
import {
  type NewNotification,
  type Recipient,
  NotificationsRepository,
} from './notifications.repository.js';
import type {
  CreateNotificationDto,
  ListNotificationsQuery,
} from './notifications.dto.js';

const notFound = () =>
  new SseHttpException(
    HttpStatus.NOT_FOUND,
    'notification_not_found',
    'No such notification.',
  );

/**
 * The caller as a recipient. The library accepts tokens without a tenant; the
 * demo never issues one, and such a caller matches no stored record.
 */
const recipient = (user: SseIdentity): Recipient => ({
  tenantId: user.tenantId ?? '',
  userId: user.userId,
});

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly users: UsersRepository,
    private readonly live: LiveEvents,
  ) {}

  /** Stores a notification from the caller to a user of the same tenant, then pushes it. */
  async send(
    sender: SseIdentity,
    dto: CreateNotificationDto,
  ): Promise<Notification> {
    const tenantId = sender.tenantId!;
    if (!(await this.users.findInTenant(dto.recipientId, tenantId))) {
      throw new SseHttpException(
        HttpStatus.NOT_FOUND,
        'recipient_not_found',
        `No user "${dto.recipientId}" in your organisation.`,
      );
    }
    return this.deliver({
      tenantId,
      recipientId: dto.recipientId,
      senderId: sender.userId,
      title: dto.title,
      body: dto.body,
      priority: dto.priority ?? 'normal',
    });
  }

  /**
   * Stores a notification in the caller's transaction, with its
   * `notification` event, published once the transaction has committed.
   */
  async store(n: NewNotification, tx: LiveTransaction): Promise<Notification> {
    const notification = await this.notifications.create(n, tx);
    await tx.toUser(n.recipientId, n.tenantId, 'notification', notification);
    return notification;
  }

  list(
    user: SseIdentity,
    query: ListNotificationsQuery,
  ): Promise<Notification[]> {
    return this.notifications.list(recipient(user), {
      unread: query.unread ?? false,
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
  }

  unreadCount(user: SseIdentity): Promise<number> {
    return this.notifications.unreadCount(recipient(user));
  }

  markRead(user: SseIdentity, id: string): Promise<Notification> {
    return this.live.transaction(async (tx) => {
      const notification = await this.notifications.markRead(
        id,
        recipient(user),
        tx,
      );
      if (!notification) throw notFound();
      await this.readChanged(user, [notification.id], tx);
      return notification;
    });
  }

  markAllRead(
    user: SseIdentity,
  ): Promise<{ ids: string[]; unreadCount: number }> {
    return this.live.transaction(async (tx) => {
      const ids = await this.notifications.markAllRead(recipient(user), tx);
      const unreadCount = await this.readChanged(user, ids, tx);
      return { ids, unreadCount };
    });
  }

  private deliver(n: NewNotification): Promise<Notification> {
    return this.live.transaction((tx) => this.store(n, tx));
  }

  /** Tells every device of the user what was read and the new unread count. */
  private async readChanged(
    user: SseIdentity,
    ids: string[],
    tx: LiveTransaction,
  ): Promise<number> {
    const unreadCount = await this.notifications.unreadCount(
      recipient(user),
      tx,
    );
    await tx.toUser(user.userId, user.tenantId!, 'notification:read', {
      ids,
      unreadCount,
    });
    return unreadCount;
  }
}
