import { SetMetadata, UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { createSseControllers } from './sse-controllers.factory.js';

class AppGuard {}

describe('createSseControllers', () => {
  it("applies the application's decorators to every controller, its guards before the library's", () => {
    const controllers = createSseControllers({
      path: 'sse',
      writer: 'direct',
      adminRoutes: true,
      decorators: [SetMetadata('isPublic', true), UseGuards(AppGuard)],
    });
    expect(controllers).toHaveLength(3);
    for (const controller of controllers) {
      expect(Reflect.getMetadata('isPublic', controller)).toBe(true);
      const guards = Reflect.getMetadata(
        GUARDS_METADATA,
        controller,
      ) as unknown[];
      expect(guards[0]).toBe(AppGuard);
      expect(guards.indexOf(SseAuthGuard)).toBeGreaterThan(0);
    }
  });

  it('refuses decorators that are not functions, naming the option', () => {
    const declare = () =>
      createSseControllers({
        path: 'sse',
        writer: 'nest',
        adminRoutes: false,
        decorators: [SetMetadata('isPublic', true), 'Public' as never],
      });
    expect(declare).toThrow(InvalidSseOptionsError);
    expect(declare).toThrow(
      'option "decorators" must be an array of class decorators, e.g. [Public()]; got ["function","Public"].',
    );
  });
});
