import { SseEnvelope } from '../../core/sse-envelope.js';
import type { SseInstanceStats } from '../../core/sse-stats.interface.js';
import type { SseTarget } from '../../core/sse-target.js';
import type {
  SseControlCommand,
  SseControlResult,
  SseOutgoing,
} from '../sse-transport.interface.js';

/** A control command as sent: its request id and the instance that waits for the answers. @internal */
export interface RedisControlRequest {
  id: string;
  from: string;
  command: SseControlCommand;
}

/** One instance's answer to a control command. @internal */
export interface RedisControlReply {
  id: string;
  result: SseControlResult;
}

/**
 * The one place that knows the format of what the Redis transport stores
 * and sends.
 *
 * - A message body is `header \n json`: the header is
 *   `{"e": event, "t": target, "c": createdAt ms}`, the json the data as the
 *   publisher's JSON text (kept as is, so the frame is built from it).
 * - History entries hold the body; their stream entry id is `<seq>-0`.
 * - The publish script sends `seq \n epoch \n body` on the target's channel.
 * - A canary, on an instance's own channel, is `canary \n n`.
 * - A control command (on the control channel, or on the own channel of the
 *   instance holding the stream) is `control \n json`; each answer, on the
 *   asking instance's own channel, is `reply \n json`.
 * @internal
 */
export const RedisMessageCodec = {
  /** The body of a published message, as stored and sent. */
  encode(outgoing: SseOutgoing): string {
    const header = JSON.stringify({
      e: outgoing.event,
      t: outgoing.target,
      c: outgoing.createdAt.getTime(),
    });
    return `${header}\n${outgoing.json}`;
  },

  /** Rebuilds a published message from its body. */
  decode(seq: number, epoch: string, body: string): SseEnvelope {
    const split = body.indexOf('\n');
    const header = JSON.parse(body.slice(0, split)) as {
      e: string;
      t: SseTarget;
      c: number;
    };
    const json = body.slice(split + 1);
    return new SseEnvelope(
      {
        id: `${epoch}-${seq}`,
        event: header.e,
        data: JSON.parse(json) as unknown,
        target: header.t,
        createdAt: new Date(header.c),
      },
      json,
      seq,
    );
  },

  /** The sequence number of a history stream entry id (`<seq>-0`). */
  entrySeq(entryId: string): number {
    return Number(entryId.slice(0, entryId.indexOf('-')));
  },

  canary(n: number): string {
    return `canary\n${n}`;
  },

  control(request: RedisControlRequest): string {
    return `control\n${JSON.stringify(request)}`;
  },

  reply(reply: RedisControlReply): string {
    return `reply\n${JSON.stringify(reply)}`;
  },

  /** What arrived on a channel: a canary's number, a control command or answer, or a message. */
  parseChannelMessage(
    body: string,
  ):
    | { canary: number }
    | { control: RedisControlRequest }
    | { reply: RedisControlReply }
    | { envelope: SseEnvelope } {
    const first = body.indexOf('\n');
    const head = body.slice(0, first);
    if (head === 'canary') return { canary: Number(body.slice(first + 1)) };
    if (head === 'control')
      return {
        control: JSON.parse(body.slice(first + 1)) as RedisControlRequest,
      };
    if (head === 'reply')
      return { reply: JSON.parse(body.slice(first + 1)) as RedisControlReply };
    const second = body.indexOf('\n', first + 1);
    return {
      envelope: RedisMessageCodec.decode(
        Number(head),
        body.slice(first + 1, second),
        body.slice(second + 1),
      ),
    };
  },

  encodeStats(stats: SseInstanceStats): string {
    return JSON.stringify(stats);
  },

  /** An instance's stats as another instance wrote them; undefined when unreadable. */
  decodeStats(json: string): SseInstanceStats | undefined {
    try {
      const stats = JSON.parse(json) as SseInstanceStats;
      stats.startedAt = new Date(stats.startedAt);
      stats.updatedAt = new Date(stats.updatedAt);
      return stats;
    } catch {
      return undefined;
    }
  },
};
