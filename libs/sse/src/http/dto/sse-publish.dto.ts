import {
  Allow,
  IsIn,
  IsNotEmpty,
  IsString,
  Matches,
  ValidateIf,
} from 'class-validator';
import {
  SSE_EVENT_NAME_PATTERN,
  SSE_IDEMPOTENCY_KEY_PATTERN,
  SSE_TOPIC_PATTERN,
} from '../../core/sse-validation.js';

/** Body of `POST /<path>/publish` (admin route). @publicApi */
export class SsePublishDto {
  @IsIn(['user', 'topic', 'broadcast'], {
    message: "target must be 'user', 'topic' or 'broadcast'",
  })
  target!: 'user' | 'topic' | 'broadcast';

  @ValidateIf((body: SsePublishDto) => body.target === 'user')
  @IsString({ message: "userId is required when target is 'user'" })
  @IsNotEmpty({ message: "userId is required when target is 'user'" })
  userId?: string;

  @ValidateIf((body: SsePublishDto) => body.target === 'topic')
  @IsString({ message: "topic is required when target is 'topic'" })
  @Matches(SSE_TOPIC_PATTERN, {
    message:
      'topic must be 1-128 characters of letters, digits and "_ . : - /"',
  })
  topic?: string;

  @IsString({ message: 'event is required' })
  @Matches(SSE_EVENT_NAME_PATTERN, {
    message: 'event must match [A-Za-z0-9_.:-]{1,64}',
  })
  event!: string;

  /**
   * Any JSON value, `null` for none, nesting objects and arrays at most 64
   * levels deep. The admin route takes it from the parsed body, not through
   * class-transformer, so it is delivered exactly as sent (keys such as
   * `constructor` or `__proto__` included).
   */
  @Allow()
  data!: unknown;

  /** Optional; a repeated key (same target, within `history.ttl`) answers with the first message and publishes nothing. */
  @ValidateIf((body: SsePublishDto) => body.idempotencyKey !== undefined)
  @IsString({
    message: 'idempotencyKey must be 1-128 printable ASCII characters',
  })
  @Matches(SSE_IDEMPOTENCY_KEY_PATTERN, {
    message:
      'idempotencyKey must be 1-128 printable ASCII characters without spaces',
  })
  idempotencyKey?: string;
}
