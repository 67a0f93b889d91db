import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpStatus,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DatabaseUnavailableError } from './database-unavailable.error.js';

/** Seconds a client should wait before retrying a request refused while the database is unreachable. */
export const DATABASE_RETRY_AFTER_S = 5;

/**
 * Answers a request that needed an unreachable database with `503
 * database_unavailable` and `Retry-After`, in the library's error body,
 * without logging it: the database logs one line per outage
 * (`PostgresDatabase`), not one stack trace per request.
 */
@Catch(DatabaseUnavailableError)
export class DatabaseUnavailableFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: DatabaseUnavailableError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const statusCode = HttpStatus.SERVICE_UNAVAILABLE;
    httpAdapter.setHeader(
      response,
      'Retry-After',
      String(DATABASE_RETRY_AFTER_S),
    );
    httpAdapter.reply(
      response,
      {
        statusCode,
        code: 'database_unavailable',
        message: 'The database is unavailable; retry in a few seconds.',
      },
      statusCode,
    );
  }
}
