import { SseError } from './sse.error.js';

/**
 * Thrown when a tenant id is given but empty or not a string.
 *
 * @publicApi
 */
export class InvalidTenantIdError extends SseError {
  readonly code = 'invalid_tenant_id';
}
