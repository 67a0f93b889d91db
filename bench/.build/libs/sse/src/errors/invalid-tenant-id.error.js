import { SseError } from './sse.error.js';
export class InvalidTenantIdError extends SseError {
    code = 'invalid_tenant_id';
}
