import type { SseIdentity } from './sse-identity.interface.js';

/**
 * Decides whether a user may subscribe to a topic. Topics are always scoped
 * to the user's tenant; the authorizer decides within it. It is an injectable
 * class, so it can use the application's services.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class ApprovalTopics implements SseTopicAuthorizer {
 *   constructor(private readonly approvals: ApprovalsService) {}
 *   canSubscribe(user: SseIdentity, topic: string) {
 *     const [, processId] = /^approval:process:(\d+)$/.exec(topic) ?? [];
 *     return processId !== undefined && this.approvals.isParticipant(user.userId, +processId);
 *   }
 * }
 * ```
 * @publicApi
 */
export interface SseTopicAuthorizer {
  canSubscribe(
    identity: SseIdentity,
    topic: string,
  ): boolean | Promise<boolean>;
}

/** Injection token of the active {@link SseTopicAuthorizer}. @publicApi */
export const SseTopicAuthorizer = Symbol('SseTopicAuthorizer');
