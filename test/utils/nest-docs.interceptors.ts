import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  RequestTimeoutException,
  StreamableFile,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type Observable, of, throwError, TimeoutError } from 'rxjs';
import { catchError, map, tap, timeout } from 'rxjs/operators';

/**
 * The interceptors of the Nest documentation (Interceptors; Caching), as an
 * application registers them for every route, each recording what it did.
 */
@Injectable()
export class InterceptorRecord {
  readonly calls: string[] = [];
  readonly timeouts: string[] = [];
  readonly cached: string[] = [];
}

/** `timeout(5000)` in the docs; shorter here so that specs do not wait for it. */
export const DOCS_TIMEOUT_MS = 300;

@Injectable()
export class LoggingInterceptor implements NestInterceptor {
  constructor(private readonly record: InterceptorRecord) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const url = context.switchToHttp().getRequest<Request>().url;
    this.record.calls.push(`before ${url}`);
    return next
      .handle()
      .pipe(tap(() => this.record.calls.push(`after ${url}`)));
  }
}

@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  constructor(private readonly record: InterceptorRecord) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const url = context.switchToHttp().getRequest<Request>().url;
    return next.handle().pipe(
      timeout(DOCS_TIMEOUT_MS),
      catchError((err: unknown) => {
        if (err instanceof TimeoutError) {
          this.record.timeouts.push(url);
          return throwError(() => new RequestTimeoutException());
        }
        return throwError(() => err);
      }),
    );
  }
}

@Injectable()
export class TransformInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data: unknown) => ({ data })));
  }
}

/**
 * What `CacheInterceptor` of `@nestjs/cache-manager` (not installed here)
 * does: GET responses cached by URL, each value the handler emits stored,
 * a cached value answered with `of(value)` without running the handler,
 * and an `X-Cache` header.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  private readonly store = new Map<string, unknown>();

  constructor(private readonly record: InterceptorRecord) {}

  async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (request.method !== 'GET') return next.handle();
    const key = request.originalUrl;
    const value = await Promise.resolve(this.store.get(key));
    http.getResponse<Response>().setHeader('X-Cache', value ? 'HIT' : 'MISS');
    if (value !== undefined && value !== null) return of(value);
    return next.handle().pipe(
      tap((response: unknown) => {
        if (response instanceof StreamableFile) return;
        this.record.cached.push(key);
        this.store.set(key, response);
      }),
    );
  }
}

/** The four, registered globally in this order (the first is the outermost). */
export const NEST_DOCS_INTERCEPTORS = [
  InterceptorRecord,
  { provide: APP_INTERCEPTOR, useClass: LoggingInterceptor },
  { provide: APP_INTERCEPTOR, useClass: TimeoutInterceptor },
  { provide: APP_INTERCEPTOR, useClass: TransformInterceptor },
  { provide: APP_INTERCEPTOR, useClass: CacheInterceptor },
];
