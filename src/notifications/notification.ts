export type Priority = 'normal' | 'high' | 'urgent';

/** A stored notification, as the API and the `notification` event carry it. */
export interface Notification {
  id: string;
  recipientId: string;
  senderId: string | null;
  title: string;
  body: string;
  priority: Priority;
  createdAt: string;
  readAt: string | null;
}
