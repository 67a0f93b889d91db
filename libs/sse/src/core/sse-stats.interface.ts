/** Counters of one instance (one broker). @publicApi */
export interface SseInstanceStats {
  /** Unique per process start. */
  instanceId: string;
  /** Open streams. */
  totalClients: number;
  /** Distinct users (per tenant) with at least one open stream. */
  totalUsers: number;
  /** Topics with at least one subscriber (streams or in-process observers). */
  totalTopics: number;
  /** False once the application has started shutting down. */
  isRunning: boolean;
  /** Messages accepted by sendToUser / sendToTopic / broadcast / sendToClient called on this instance. */
  messagesPublished: number;
  /** Message events written to clients (one message to three clients counts three). */
  eventsDelivered: number;
  /** Message events not delivered because their client was disconnected as `slow_consumer`. */
  eventsDropped: number;
  /** Stream requests refused by `maxConnections` or `maxConnectionsPerUser`. */
  connectionsRejected: number;
  startedAt: Date;
  /** When these figures were taken (other instances report every third of `presenceTtl`). */
  updatedAt: Date;
}

/**
 * What `SseBroker.getStats()` returns: totals over every live instance (just
 * this one with the memory transport), and each instance's own figures.
 * @publicApi
 */
export interface SseStats extends Omit<
  SseInstanceStats,
  'instanceId' | 'updatedAt' | 'startedAt'
> {
  /** `totalUsers` counts each user once across instances; `totalTopics` is a sum over instances. */
  transport: 'memory' | 'redis';
  /** Whether this instance can publish and receive right now (see `SseBroker.isReady`). */
  ready: boolean;
  /** This instance's id. */
  instanceId: string;
  /** When this instance started. */
  startedAt: Date;
  /** This instance first, then the others that reported within `presenceTtl`. */
  instances: SseInstanceStats[];
}
