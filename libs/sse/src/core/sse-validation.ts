import { InvalidEventNameError } from '../errors/invalid-event-name.error.js';
import { InvalidIdempotencyKeyError } from '../errors/invalid-idempotency-key.error.js';
import { InvalidTenantIdError } from '../errors/invalid-tenant-id.error.js';
import { InvalidTopicError } from '../errors/invalid-topic.error.js';
import { InvalidUserIdError } from '../errors/invalid-user-id.error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large.error.js';
import { ReservedEventNameError } from '../errors/reserved-event-name.error.js';
import { UnserializableDataError } from '../errors/unserializable-data.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';

/** Allowed topic names. @publicApi */
export const SSE_TOPIC_PATTERN = /^[A-Za-z0-9_.:/-]{1,128}$/;
/** Allowed event names. @publicApi */
export const SSE_EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Allowed idempotency keys: 1-128 printable ASCII characters, no spaces. @publicApi */
export const SSE_IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Events the stream itself emits; applications may not publish them. @internal */
export const RESERVED_EVENT_NAMES = [
  'connected',
  'heartbeat',
  'close',
  'reset',
  'error',
] as const;

const RESERVED = new Set<string>(RESERVED_EVENT_NAMES);

/**
 * User ids are any non-empty string without control characters: user and
 * tenant ids are joined by NUL in the scoped keys, so neither may hold one.
 * @internal
 */
export function assertUserId(userId: unknown): asserts userId is string {
  if (!isIdentifier(userId)) {
    throw new InvalidUserIdError(SSE_MESSAGES.INVALID_USER_ID(userId));
  }
}

/** Tenant ids are any non-empty string without control characters. @internal */
export function assertTenantId(
  tenantId: unknown,
): asserts tenantId is string | undefined {
  if (tenantId === undefined) return;
  if (!isIdentifier(tenantId)) {
    throw new InvalidTenantIdError(SSE_MESSAGES.INVALID_TENANT_ID(tenantId));
  }
}

/** @internal */
export function assertTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !SSE_TOPIC_PATTERN.test(topic)) {
    throw new InvalidTopicError(SSE_MESSAGES.INVALID_TOPIC(topic));
  }
}

/** @internal */
export function assertEventName(event: unknown): asserts event is string {
  if (typeof event !== 'string' || !SSE_EVENT_NAME_PATTERN.test(event)) {
    throw new InvalidEventNameError(SSE_MESSAGES.INVALID_EVENT_NAME(event));
  }
  if (RESERVED.has(event)) {
    throw new ReservedEventNameError(
      SSE_MESSAGES.RESERVED_EVENT_NAME(event, RESERVED_EVENT_NAMES),
    );
  }
}

/** @internal */
export function assertIdempotencyKey(
  key: unknown,
): asserts key is string | undefined {
  if (
    key !== undefined &&
    (typeof key !== 'string' || !SSE_IDEMPOTENCY_KEY_PATTERN.test(key))
  ) {
    throw new InvalidIdempotencyKeyError(
      SSE_MESSAGES.INVALID_IDEMPOTENCY_KEY(key),
    );
  }
}

/**
 * Serialises event data to the JSON text of the `data:` field. Strings are
 * JSON-encoded too, so every `data:` field parses with `JSON.parse` and no
 * payload can contain a line break that would split the frame.
 * @internal
 */
export function serializeData(data: unknown, maxBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (err) {
    throw new UnserializableDataError(
      SSE_MESSAGES.UNSERIALIZABLE_DATA((err as Error).message),
    );
  }
  if (json === undefined) {
    throw new UnserializableDataError(
      SSE_MESSAGES.UNSERIALIZABLE_DATA(`${typeof data} has no JSON form`),
    );
  }
  // Cheap bound first: a UTF-16 length under max/3 cannot exceed max bytes.
  if (json.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxBytes)
      throw new PayloadTooLargeError(
        SSE_MESSAGES.PAYLOAD_TOO_LARGE(bytes, maxBytes),
      );
  }
  return json;
}

/**
 * Whether a value can be a user or tenant id: a non-empty string without
 * control characters (U+0000–U+001F, U+007F).
 * @internal
 */
export function isIdentifier(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && !hasControlCharacter(value)
  );
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
