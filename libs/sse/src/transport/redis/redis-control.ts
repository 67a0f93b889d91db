import type { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type {
  SseControlCommand,
  SseControlResult,
} from '../sse-transport.interface.js';
import type { RedisCommandRunner } from './redis-command-runner.js';
import { describeError, type ScriptedRedis } from './redis-connections.js';
import type { RedisKeys } from './redis-keys.js';
import {
  type RedisControlReply,
  type RedisControlRequest,
  RedisMessageCodec,
} from './redis-message.codec.js';

/** A command this instance sent, until its answers are in. */
interface Pending {
  readonly results: SseControlResult[];
  /** How many instances received it; unknown until PUBLISH answers. */
  expected: number;
  settle(): void;
}

/**
 * Control commands across instances, over pub/sub.
 *
 * A command is published on the control channel, or, when it names one
 * stream, on the own channel of the instance whose id starts the stream's
 * id. PUBLISH answers with how many subscriber connections received it;
 * each live instance has exactly one on these channels, so that is how many
 * answers to wait for, without relying on presence. Each receiver runs the
 * command on its own streams and answers on the asking instance's own
 * channel. The ask resolves once every answer came, or after three times
 * `commandTimeout` with those that did: an instance that died after
 * receiving the command took its streams with it, so counting it as having
 * changed nothing is the truth. An instance whose subscriber was
 * reconnecting at that moment neither receives nor is waited for (pub/sub
 * keeps nothing); it is not ready meanwhile.
 * @internal
 */
export class RedisControl {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly cmd: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly commandTimeout: number,
    private readonly commands: RedisCommandRunner,
    private readonly logger: Logger,
    /** Runs a command on this instance's streams. */
    private readonly execute: (
      command: SseControlCommand,
    ) => Promise<SseControlResult>,
  ) {}

  /** Publishes `command` on `channel` and merges the answers of the instances that received it. */
  async send(
    channel: string,
    command: SseControlCommand,
  ): Promise<SseControlResult> {
    const id = randomBytes(8).toString('hex');
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const pending: Pending = { results: [], expected: Infinity, settle };
    this.pending.set(id, pending);
    let timer: NodeJS.Timeout | undefined;
    try {
      const request: RedisControlRequest = {
        id,
        from: this.instanceId,
        command,
      };
      pending.expected = await this.commands.run(() =>
        this.cmd.publish(channel, RedisMessageCodec.control(request)),
      );
      if (pending.results.length < pending.expected) {
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), 3 * this.commandTimeout);
        });
        if (await Promise.race([done.then(() => false), timedOut]))
          this.logger.debug(
            `control ${command.action.type}: ${pending.results.length} of ${pending.expected} instances answered in time`,
          );
      }
      return mergeResults(pending.results);
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
  }

  /** A command to run here, or an answer to one this instance sent. */
  received(
    message: { control: RedisControlRequest } | { reply: RedisControlReply },
  ): void {
    if ('reply' in message) {
      const pending = this.pending.get(message.reply.id);
      if (!pending) return;
      pending.results.push(message.reply.result);
      if (pending.results.length >= pending.expected) pending.settle();
      return;
    }
    const { id, from, command } = message.control;
    const answer = (result: SseControlResult) =>
      this.cmd.publish(
        this.keys.instanceChannel(from),
        RedisMessageCodec.reply({ id, result }),
      );
    this.commands.track(
      this.execute(command)
        .catch((err: unknown) => {
          this.logger.error(
            `control ${command.action.type} failed here: ${describeError(err)}`,
          );
          return { count: 0 };
        })
        .then(answer)
        .catch((err: unknown) =>
          this.logger.debug(`control answer not sent: ${describeError(err)}`),
        ),
    );
  }
}

/** The answers of several instances as one: counts add up; a stream's own answer is kept. */
export function mergeResults(
  results: readonly SseControlResult[],
): SseControlResult {
  const merged: SseControlResult = { count: 0 };
  for (const result of results) {
    merged.count += result.count;
    if (result.topics) merged.topics = result.topics;
    if (result.refused) merged.refused = result.refused;
  }
  return merged;
}
