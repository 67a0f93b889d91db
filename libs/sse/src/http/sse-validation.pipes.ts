import {
  type ArgumentMetadata,
  HttpStatus,
  Inject,
  Injectable,
  type PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import { validate } from 'class-validator';
import { SSE_TOPIC_PATTERN } from '../core/sse-validation.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { SsePublishDto } from './dto/sse-publish.dto.js';
import { SseStreamQueryDto } from './dto/sse-stream-query.dto.js';
import { SseHttpException } from './sse-http.exception.js';
import { validationException } from './validation-exception.util.js';

/**
 * Validates the stream query (as `SseRawQuery` reads it) against
 * {@link SseStreamQueryDto} and this module's `maxTopicsPerConnection`;
 * failures are `400 invalid_topics` (`400 topics_disabled` when topics are
 * off). Topics come as `topics=a,b` or repeated `topics=`; a `topics[…]=`
 * parameter is refused rather than ignored or merged.
 * @internal
 */
@Injectable()
export class SseStreamQueryPipe implements PipeTransform {
  private readonly pipe = new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors) => validationException('invalid_topics', errors),
  });

  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {}

  async transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<SseStreamQueryDto> {
    // Most streams carry no query at all: nothing to transform or validate.
    if (isEmptyObject(value)) return new SseStreamQueryDto();
    assertOneTopicsForm(value as object);
    const query = (await this.pipe.transform(value, {
      ...metadata,
      // The raw query comes through a custom decorator, which the
      // ValidationPipe would otherwise leave unvalidated.
      type: 'query',
      metatype: SseStreamQueryDto,
    })) as SseStreamQueryDto;
    const count = query.topics?.length ?? 0;
    if (count > 0 && !this.options.enableTopics) {
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'topics_disabled',
        'Topics are disabled on this server; connect without ?topics=.',
      );
    }
    const max = this.options.maxTopicsPerConnection;
    if (count > max) {
      const message = `at most ${max} topics are allowed per stream; got ${count}`;
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'invalid_topics',
        message,
        { errors: [message] },
      );
    }
    return query;
  }
}

/** The body of `POST /<path>/clients/:id/topics`. @internal */
export interface SseTopicsChange {
  add: string[];
  remove: string[];
}

/**
 * Validates the body of `POST /<path>/clients/:id/topics`: an object with
 * `add` and `remove`, each an optional array of at most
 * `maxTopicsPerConnection` valid topics, nothing else (`400 invalid_body`);
 * `400 topics_disabled` when topics are off.
 * @internal
 */
@Injectable()
export class SseTopicsChangePipe implements PipeTransform {
  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {}

  transform(value: unknown): SseTopicsChange {
    if (!this.options.enableTopics) {
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'topics_disabled',
        'Topics are disabled on this server.',
      );
    }
    const body = (value ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body))
      throw invalidBody('the body must be a JSON object');
    const unknown = Object.keys(body).filter(
      (key) => key !== 'add' && key !== 'remove',
    );
    if (unknown.length > 0)
      throw invalidBody(`property ${unknown[0].slice(0, 64)} should not exist`);
    return {
      add: this.topics(body.add, 'add'),
      remove: this.topics(body.remove, 'remove'),
    };
  }

  private topics(value: unknown, field: string): string[] {
    if (value === undefined) return [];
    const max = this.options.maxTopicsPerConnection;
    if (!Array.isArray(value) || value.length > max)
      throw invalidBody(`${field} must be an array of at most ${max} topics`);
    for (const topic of value) {
      if (typeof topic !== 'string' || !SSE_TOPIC_PATTERN.test(topic))
        throw invalidBody(
          `each topic in ${field} must be 1-128 characters of letters, digits and "_ . : - /"`,
        );
    }
    return [...new Set(value as string[])];
  }
}

/** Levels of objects and arrays the admin route accepts in `data`; deeper is `400 data_too_deep`. */
const MAX_DATA_DEPTH = 64;

const FIELDS: ReadonlySet<string> = new Set([
  'target',
  'userId',
  'topic',
  'event',
  'data',
  'idempotencyKey',
]);

/**
 * Validates the admin publish body: `target`, `userId`, `topic`, `event` and
 * `idempotencyKey` against {@link SsePublishDto}'s rules, any other field refused, all
 * `400 invalid_body`. `data` is passed on exactly as the JSON parser built
 * it: no class-transformer copy and no Nest `ValidationPipe`, which drop or
 * delete keys named like `Object.prototype` members (`constructor`,
 * `toString`, `__proto__`) at any depth. `JSON.parse` makes those plain own
 * properties, and the broker only serialises them back, so a client receives
 * what was sent. Data nested more than `MAX_DATA_DEPTH` levels
 * is `400 data_too_deep`.
 * @internal
 */
@Injectable()
export class SsePublishBodyPipe implements PipeTransform {
  async transform(value: unknown): Promise<SsePublishDto> {
    const body = (value ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw invalidBody('the body must be a JSON object');
    }
    const { target, userId, topic, event, idempotencyKey } = body;
    const dto = Object.assign(new SsePublishDto(), {
      target,
      userId,
      topic,
      event,
      idempotencyKey,
    });
    const unknown = Object.keys(body).filter((key) => !FIELDS.has(key));
    const errors = await validate(dto);
    if (errors.length > 0 || unknown.length > 0) {
      throw validationException(
        'invalid_body',
        errors,
        unknown.map((key) => `property ${key.slice(0, 64)} should not exist`),
      );
    }
    if (nestsDeeperThan(body.data, MAX_DATA_DEPTH)) {
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'data_too_deep',
        `data must not nest objects and arrays more than ${MAX_DATA_DEPTH} levels deep.`,
      );
    }
    dto.data = body.data;
    return dto;
  }
}

/**
 * Whether a parsed JSON value nests objects and arrays more than `levels`
 * deep. It stops one level past the bound, so its own recursion is bounded
 * however deep the value is.
 */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  for (const item of Object.values(value)) {
    if (nestsDeeperThan(item, levels - 1)) return true;
  }
  return false;
}

function invalidBody(message: string): SseHttpException {
  return new SseHttpException(HttpStatus.BAD_REQUEST, 'invalid_body', message, {
    errors: [message],
  });
}

function assertOneTopicsForm(query: object): void {
  for (const key in query) {
    if (key.startsWith('topics[')) {
      const message =
        'send topics as ?topics=a,b or as repeated topics=a&topics=b; the topics[]= and topics[0]= forms are not accepted';
      throw new SseHttpException(
        HttpStatus.BAD_REQUEST,
        'invalid_topics',
        message,
        { errors: [message] },
      );
    }
  }
}

function isEmptyObject(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'object') return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
