import { randomBytes } from 'node:crypto';

/**
 * Message ids `<epoch>-<sequence>`: the epoch is random per process start (the
 * in-memory history is lost with the process, so an id from an earlier run can
 * never be mistaken for a new one); the sequence increases by one per message.
 * @internal
 */
export class MessageIdGenerator {
  readonly epoch = randomBytes(5).toString('hex');
  private sequence = 0;

  next(): string {
    return `${this.epoch}-${++this.sequence}`;
  }
}
