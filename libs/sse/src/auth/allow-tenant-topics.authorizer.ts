import type { SseTopicAuthorizer } from './sse-topic-authorizer.interface.js';

/**
 * The authorizer used when none is configured: every topic is allowed. Topics
 * are scoped to the subscriber's tenant by the broker, so this never opens
 * another tenant's topics.
 * @internal
 */
export class AllowTenantTopicsAuthorizer implements SseTopicAuthorizer {
  canSubscribe(): boolean {
    return true;
  }
}
