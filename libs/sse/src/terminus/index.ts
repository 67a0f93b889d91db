/**
 * `nestjs-sse-broker/terminus`: the health indicator for `@nestjs/terminus`
 * (an optional peer dependency, needed only by this entry point).
 * @packageDocumentation
 */
export { SseHealthIndicator } from './sse.health-indicator.js';
