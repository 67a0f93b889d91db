/** Counters of one broker (this process). @publicApi */
export interface SseStats {
  /** Open streams. */
  totalClients: number;
  /** Distinct users (per tenant) with at least one open stream. */
  totalUsers: number;
  /** Topics with at least one subscriber (streams or in-process observers). */
  totalTopics: number;
  /** False once the application has started shutting down. */
  isRunning: boolean;
  /** Messages accepted by sendToUser / sendToTopic / broadcast / sendToClient. */
  messagesPublished: number;
  /** Message events written to clients (one message to three clients counts three). */
  eventsDelivered: number;
  /** Message events not delivered because their client was disconnected as `slow_consumer`. */
  eventsDropped: number;
  /** Stream requests refused by `maxConnections` or `maxConnectionsPerUser`. */
  connectionsRejected: number;
  startedAt: Date;
}
