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
 * Validates the stream query against {@link SseStreamQueryDto} and this
 * module's `maxTopicsPerConnection`; failures are `400 invalid_topics`
 * (`400 topics_disabled` when topics are off).
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
    const query = (await this.pipe.transform(value ?? {}, {
      ...metadata,
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

function isEmptyObject(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'object') return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
