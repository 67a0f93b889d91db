export const SseTopicAuthorizer = Symbol('SseTopicAuthorizer');
