// The event contract the type cases share, as an application declares it:
// an interface (no index signature) mapping event names to data types.
export interface OrderShipped {
  orderId: string;
  carrier: string;
}

export interface Notification {
  title: string;
  unread: boolean;
}

export interface AppEvents {
  'order.shipped': OrderShipped;
  notification: Notification;
  'stock.level': number;
}
