import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';

/**
 * Resolves a class the application names in the options (`authenticate`,
 * `topicAuthorizer`): its own provider when it registered one anywhere,
 * otherwise a new instance created with the module's injector.
 *
 * Resolution waits until first use (or bootstrap): while Nest is still
 * creating instances, a provider of another module may only exist as a
 * placeholder whose constructor has not run.
 * @internal
 */
export class ApplicationClassResolver<T extends object> {
  private instance?: Promise<T>;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly type: Type<T>,
  ) {}

  get(): Promise<T> {
    this.instance ??= this.resolve();
    return this.instance;
  }

  private async resolve(): Promise<T> {
    try {
      return this.moduleRef.get(this.type, { strict: false });
    } catch {
      return this.moduleRef.create(this.type);
    }
  }
}
