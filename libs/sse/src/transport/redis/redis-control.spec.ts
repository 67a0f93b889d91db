import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SseControlCommand } from '../sse-transport.interface.js';
import { RedisCommandRunner } from './redis-command-runner.js';
import type { ScriptedRedis } from './redis-connections.js';
import { mergeResults, RedisControl } from './redis-control.js';
import { RedisKeys } from './redis-keys.js';
import { RedisMessageCodec } from './redis-message.codec.js';

const TIMEOUT = 100;
const command: SseControlCommand = {
  select: { userId: 'u' },
  action: { type: 'close', reason: 'disconnected' },
};

/** A command connection whose PUBLISH reports `receivers` and records what was sent. */
function fakeRedis(receivers: number) {
  const sent: Array<[string, string]> = [];
  const cmd = {
    publish: (channel: string, body: string) => {
      sent.push([channel, body]);
      return Promise.resolve(receivers);
    },
  } as unknown as ScriptedRedis;
  return { cmd, sent };
}

function control(
  cmd: ScriptedRedis,
  execute = () => Promise.resolve({ count: 1 }),
) {
  return new RedisControl(
    cmd,
    new RedisKeys('p:'),
    'self',
    TIMEOUT,
    new RedisCommandRunner(TIMEOUT, () => undefined),
    new Logger('test'),
    execute,
  );
}

/** The request id of the last command sent. */
const requestId = (sent: Array<[string, string]>) => {
  const parsed = RedisMessageCodec.parseChannelMessage(sent.at(-1)![1]);
  if (!('control' in parsed)) throw new Error('not a control message');
  return parsed.control.id;
};

describe('RedisControl', () => {
  afterEach(() => jest.useRealTimers());

  it('resolves with the sum of the answers once every receiver answered', async () => {
    const { cmd, sent } = fakeRedis(2);
    const controls = control(cmd);
    const result = controls.send('p:control', command);
    await Promise.resolve();
    const id = requestId(sent);
    controls.received({ reply: { id, result: { count: 2 } } });
    controls.received({ reply: { id, result: { count: 3 } } });
    await expect(result).resolves.toEqual({ count: 5 });
  });

  it('counts an instance that never answers (it died) as having changed nothing, after the bound', async () => {
    jest.useFakeTimers();
    const { cmd, sent } = fakeRedis(2);
    const controls = control(cmd);
    const result = controls.send('p:control', command);
    await jest.advanceTimersByTimeAsync(0);
    controls.received({ reply: { id: requestId(sent), result: { count: 4 } } });
    await jest.advanceTimersByTimeAsync(3 * TIMEOUT);
    await expect(result).resolves.toEqual({ count: 4 });
  });

  it('answers at once when no instance received the command', async () => {
    const { cmd } = fakeRedis(0);
    await expect(control(cmd).send('p:i:gone', command)).resolves.toEqual({
      count: 0,
    });
  });

  it("runs a received command and answers on the asking instance's channel", async () => {
    const { cmd, sent } = fakeRedis(1);
    const execute = jest.fn(() => Promise.resolve({ count: 7 }));
    control(cmd, execute).received({
      control: { id: 'r1', from: 'asker', command },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(execute).toHaveBeenCalledWith(command);
    expect(sent).toEqual([
      [
        'p:i:asker',
        RedisMessageCodec.reply({ id: 'r1', result: { count: 7 } }),
      ],
    ]);
  });

  it("merges a stream's own answer (its topics) with the others' counts", () => {
    expect(
      mergeResults([{ count: 0 }, { count: 1, topics: ['a'] }, { count: 0 }]),
    ).toEqual({ count: 1, topics: ['a'] });
  });
});
