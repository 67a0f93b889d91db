export const SSE_MESSAGES = {
    OPTION_OUT_OF_RANGE: (option, range, got) => `option "${option}" must be ${range}; got ${describe(got)}.`,
    AUTH_NOT_CONFIGURED: () => 'no authentication configured: set "auth.secret" (HMAC) or "auth.publicKey" (RSA/ECDSA) to verify JWTs, or "authenticate" to use your own SseAuthenticator class.',
    INVALID_USER_ID: (got) => `user id must be a non-empty string; got ${describe(got)}.`,
    INVALID_TENANT_ID: (got) => `tenant id must be a non-empty string when given; got ${describe(got)}. Leave it undefined for users without a tenant.`,
    INVALID_TOPIC: (got) => `topic must be 1-128 characters of letters, digits and "_ . : - /"; got ${describe(got)}.`,
    TOPICS_DISABLED: () => 'topics are disabled (enableTopics: false): publish with sendToUser or broadcast, or enable topics in SseModule options.',
    INVALID_EVENT_NAME: (got) => `event name must match [A-Za-z0-9_.:-]{1,64}; got ${describe(got)}.`,
    RESERVED_EVENT_NAME: (name, reserved) => `event name "${name}" is reserved by the stream (${reserved.join(', ')}); choose another name.`,
    PAYLOAD_TOO_LARGE: (bytes, max) => `event data is ${bytes} bytes once serialised, over maxPayloadBytes (${max}). Send a reference (an id the client fetches) instead of the whole payload, or raise maxPayloadBytes.`,
    UNSERIALIZABLE_DATA: (reason) => `event data must be a string or a JSON-serialisable value: ${reason}.`,
    TOPIC_AUTHORIZER_DEFAULT: () => 'no topicAuthorizer configured: every authenticated user may subscribe to every topic of its own tenant. Set "topicAuthorizer" to restrict topics.',
    TRANSPORT_UNAVAILABLE: (reason) => `the Redis transport is unavailable (${reason}); retry later.`,
    TRANSPORT_START_FAILED: (reason) => `could not start the Redis transport (${reason}). Check transport.url / transport.options and that Redis 7 or newer is reachable.`,
    REDIS_TOO_OLD: (version) => `Redis ${version} is too old: the transport needs Redis 7 or newer (stream max-deleted-entry-id, XRANGE exclusive ranges).`,
};
function describe(value) {
    if (typeof value === 'string') {
        return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    }
    if (typeof value === 'bigint')
        return `${value}n`;
    if (value === undefined || typeof value === 'function')
        return String(value);
    try {
        return JSON.stringify(value) ?? typeof value;
    }
    catch {
        return Object.prototype.toString.call(value);
    }
}
