import type { SseStreamSelector } from '../transport/sse-transport.interface.js';

/** What a control command needs to know of a stream. @internal */
export interface SelectableStream {
  readonly id: string;
  readonly userId: string;
  readonly tenantId?: string;
}

/**
 * The streams of this instance that `select` names: the one with its
 * `clientId` when its user and tenant match, or every stream of `userId`.
 * A stream of another user or tenant is not selected, exactly as a stream
 * that does not exist, so an answer never tells one from the other.
 * @internal
 */
export function selectStreams<S extends SelectableStream>(
  select: SseStreamSelector,
  lookup: {
    client(clientId: string): S | undefined;
    clientsOfUser(
      userId: string,
      tenantId: string | undefined,
    ): ReadonlySet<S> | undefined;
  },
): S[] {
  if (select.clientId === undefined) {
    if (select.userId === undefined) return [];
    return [...(lookup.clientsOfUser(select.userId, select.tenantId) ?? [])];
  }
  const stream = lookup.client(select.clientId);
  if (
    !stream ||
    (select.userId !== undefined && stream.userId !== select.userId) ||
    (!select.anyTenant && stream.tenantId !== select.tenantId)
  )
    return [];
  return [stream];
}

/**
 * A stream's topics after adding `add` and removing `remove` (a topic in
 * both is removed), in their order, without repeats; `undefined` when the
 * result would exceed `max`, or when nothing changes.
 * @internal
 */
export function changedTopics(
  current: readonly string[],
  add: readonly string[],
  remove: readonly string[],
  max: number,
):
  | { topics: string[]; added: string[]; removed: string[] }
  | 'too_many'
  | undefined {
  const removing = new Set(remove);
  const topics = current.filter((topic) => !removing.has(topic));
  const removed = current.filter((topic) => removing.has(topic));
  const kept = new Set(topics);
  const added: string[] = [];
  for (const topic of add) {
    if (kept.has(topic) || removing.has(topic)) continue;
    kept.add(topic);
    added.push(topic);
  }
  if (added.length === 0 && removed.length === 0) return undefined;
  if (topics.length + added.length > max) return 'too_many';
  return { topics: [...topics, ...added], added, removed };
}
