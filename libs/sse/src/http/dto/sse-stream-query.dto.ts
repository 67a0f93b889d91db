import { Transform } from 'class-transformer';
import { IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { SSE_TOPIC_PATTERN } from '../../core/sse-validation.js';

/**
 * Query of `GET /<path>/stream`: `?topics=a,b` (or repeated `topics=`; no
 * other form, no whitespace around topics, no empty entries) and
 * `?lastEventId=` (the cursor of a first connect after loading a page; the
 * browser's own `Last-Event-ID` header wins when both are sent).
 * The limit of `maxTopicsPerConnection` is added per module by {@link SseStreamQueryPipe}.
 * @publicApi
 */
export class SseStreamQueryDto {
  @IsOptional()
  @Transform(({ value }) => splitTopics(value))
  @IsArray({ message: 'topics must be a comma-separated list' })
  @Matches(SSE_TOPIC_PATTERN, {
    each: true,
    message:
      'each topic must be 1-128 characters of letters, digits and "_ . : - /" (no empty entries)',
  })
  topics?: string[];

  @IsOptional()
  @IsString({ message: 'lastEventId must be a single value' })
  lastEventId?: string;
}

/**
 * Splits the comma-separated values of every `topics` parameter. Entries are
 * taken as sent: an empty one (`topics=`, `a,,b`, `a,`) or one with
 * whitespace or U+FEFF around it fails the topic pattern instead of being
 * dropped or trimmed.
 */
function splitTopics(value: unknown): unknown {
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every((p) => typeof p === 'string')) return value;
  return (parts as string[]).join(',').split(',');
}
