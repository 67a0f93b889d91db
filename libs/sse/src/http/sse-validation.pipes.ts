import {
  type ArgumentMetadata,
  HttpStatus,
  Inject,
  Injectable,
  type PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
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

/** Validates the admin publish body; failures are `400 invalid_body`. @internal */
@Injectable()
export class SsePublishBodyPipe implements PipeTransform {
  private readonly pipe = new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => validationException('invalid_body', errors),
  });

  transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<SsePublishDto> {
    return this.pipe.transform(value ?? {}, {
      ...metadata,
      metatype: SsePublishDto,
    }) as Promise<SsePublishDto>;
  }
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
