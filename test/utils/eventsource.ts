/**
 * The `eventsource` package as the e2e specs see it (jest's moduleNameMapper
 * maps `eventsource` here): the same EventSource, held (resources.ts) while
 * open, so that one a failed test left open is closed at the end of the file
 * instead of reconnecting to a closed server for ever.
 */
import { EventSource as Original } from '../../node_modules/eventsource/dist/index.js';
import { forget, hold } from './resources.js';

export * from '../../node_modules/eventsource/dist/index.js';

export class EventSource extends Original {
  constructor(
    url: string | URL,
    init?: ConstructorParameters<typeof Original>[1],
  ) {
    super(url, init);
    hold(this, `EventSource ${String(url)}`, () => this.close());
  }

  override close(): void {
    forget(this);
    super.close();
  }
}
