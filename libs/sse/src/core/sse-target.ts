/**
 * The addressee of a published message: one user, the subscribers of a
 * topic, every stream of a tenant, or one stream. `tenantId` is the scope;
 * `undefined` is the scope of users without a tenant.
 * @publicApi
 */
export type SseTarget =
  | { type: 'user'; userId: string; tenantId?: string }
  | { type: 'topic'; topic: string; tenantId?: string }
  | { type: 'broadcast'; tenantId?: string }
  | { type: 'client'; clientId: string; tenantId?: string };

/** What a message was addressed to. @publicApi */
export type SseTargetType = SseTarget['type'];

/** A target whose recent messages are retained for replay (every target but a single client). @publicApi */
export type SseHistoryTarget = Exclude<SseTarget, { type: 'client' }>;

/** First letter of a topic's {@link targetKey}. @internal */
export const TOPIC_KEY_PREFIX = 't';

/**
 * Key of a user or topic inside a tenant scope. Tenant ids never contain
 * control characters, so two different pairs never share a key.
 * @internal
 */
export function scopedKey(tenantId: string | undefined, name: string): string {
  return tenantId === undefined ? `\u0000${name}` : `${tenantId}\u0000${name}`;
}

/**
 * Key of a user, topic or tenant broadcast: its Subject in the broker, its
 * history and its transport channel. The type letter, then the
 * tenant-scoped name.
 * @internal
 */
export function targetKey(target: SseHistoryTarget): string {
  switch (target.type) {
    case 'user':
      return `u${scopedKey(target.tenantId, target.userId)}`;
    case 'topic':
      return `${TOPIC_KEY_PREFIX}${scopedKey(target.tenantId, target.topic)}`;
    case 'broadcast':
      return `b${target.tenantId ?? ''}`;
  }
}

/** Keys of everything one stream receives: its user, its tenant's broadcast, its topics. @internal */
export function subscriptionKeys(stream: {
  readonly userId: string;
  readonly tenantId?: string;
  readonly topics: readonly string[];
}): string[] {
  const { tenantId, userId, topics } = stream;
  return [
    targetKey({ type: 'user', userId, tenantId }),
    targetKey({ type: 'broadcast', tenantId }),
    ...topics.map((topic) => targetKey({ type: 'topic', topic, tenantId })),
  ];
}
