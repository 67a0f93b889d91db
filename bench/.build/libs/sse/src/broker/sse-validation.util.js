import { InvalidEventNameError } from '../errors/invalid-event-name.error.js';
import { InvalidTenantIdError } from '../errors/invalid-tenant-id.error.js';
import { InvalidTopicError } from '../errors/invalid-topic.error.js';
import { InvalidUserIdError } from '../errors/invalid-user-id.error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large.error.js';
import { ReservedEventNameError } from '../errors/reserved-event-name.error.js';
import { UnserializableDataError } from '../errors/unserializable-data.error.js';
import { RESERVED_EVENT_NAMES } from '../sse.internal-constants.js';
import { SSE_MESSAGES } from '../sse.messages.js';
export const SSE_TOPIC_PATTERN = /^[A-Za-z0-9_.:/-]{1,128}$/;
export const SSE_EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const RESERVED = new Set(RESERVED_EVENT_NAMES);
export function assertUserId(userId) {
    if (typeof userId !== 'string' || userId.length === 0) {
        throw new InvalidUserIdError(SSE_MESSAGES.INVALID_USER_ID(userId));
    }
}
export function assertTenantId(tenantId) {
    if (tenantId === undefined)
        return;
    if (typeof tenantId !== 'string' ||
        tenantId.length === 0 ||
        hasControlCharacter(tenantId)) {
        throw new InvalidTenantIdError(SSE_MESSAGES.INVALID_TENANT_ID(tenantId));
    }
}
export function assertTopic(topic) {
    if (typeof topic !== 'string' || !SSE_TOPIC_PATTERN.test(topic)) {
        throw new InvalidTopicError(SSE_MESSAGES.INVALID_TOPIC(topic));
    }
}
export function assertEventName(event) {
    if (typeof event !== 'string' || !SSE_EVENT_NAME_PATTERN.test(event)) {
        throw new InvalidEventNameError(SSE_MESSAGES.INVALID_EVENT_NAME(event));
    }
    if (RESERVED.has(event)) {
        throw new ReservedEventNameError(SSE_MESSAGES.RESERVED_EVENT_NAME(event, RESERVED_EVENT_NAMES));
    }
}
export function serializeData(data, maxBytes) {
    let json;
    try {
        json = JSON.stringify(data);
    }
    catch (err) {
        throw new UnserializableDataError(SSE_MESSAGES.UNSERIALIZABLE_DATA(err.message));
    }
    if (json === undefined) {
        throw new UnserializableDataError(SSE_MESSAGES.UNSERIALIZABLE_DATA(`${typeof data} has no JSON form`));
    }
    if (json.length * 3 > maxBytes) {
        const bytes = Buffer.byteLength(json, 'utf8');
        if (bytes > maxBytes)
            throw new PayloadTooLargeError(SSE_MESSAGES.PAYLOAD_TOO_LARGE(bytes, maxBytes));
    }
    return json;
}
export function scopedKey(tenantId, name) {
    return tenantId === undefined ? `\u0000${name}` : `${tenantId}\u0000${name}`;
}
function hasControlCharacter(value) {
    for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code < 0x20 || code === 0x7f)
            return true;
    }
    return false;
}
