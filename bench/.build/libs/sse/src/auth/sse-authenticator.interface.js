export const SseAuthenticator = Symbol('SseAuthenticator');
