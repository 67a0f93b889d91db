import {
  assertEventName,
  assertTenantId,
  assertTopic,
  assertUserId,
  serializeData,
} from './sse-validation.js';

describe('publish validation', () => {
  it.each([
    'a',
    'orders',
    'approval:process:42',
    'tenant/acme.news-1_x',
    'x'.repeat(128),
  ])('accepts topic %s', (topic) => {
    expect(() => assertTopic(topic)).not.toThrow();
  });

  it.each([
    '',
    'x'.repeat(129),
    'a b',
    'a\nb',
    'a\rb',
    'a\u0000b',
    'a*',
    'ü',
    42,
  ])('refuses topic %j with invalid_topic', (topic) => {
    expect(() => assertTopic(topic)).toThrow(
      expect.objectContaining({ code: 'invalid_topic' }),
    );
  });

  it.each(['message', 'approval:status_changed', 'task.progress', 'a-b_c'])(
    'accepts event name %s',
    (name) => {
      expect(() => assertEventName(name)).not.toThrow();
    },
  );

  it.each(['', 'x'.repeat(65), 'a b', 'a\nb', 'a\r', 'a/b'])(
    'refuses event name %j with invalid_event_name',
    (name) => {
      expect(() => assertEventName(name)).toThrow(
        expect.objectContaining({ code: 'invalid_event_name' }),
      );
    },
  );

  it.each(['connected', 'heartbeat', 'close', 'reset', 'error'])(
    'refuses the reserved event name %s',
    (name) => {
      expect(() => assertEventName(name)).toThrow(
        expect.objectContaining({ code: 'reserved_event_name' }),
      );
    },
  );

  it('refuses empty user ids and empty or control-character tenant ids', () => {
    expect(() => assertUserId('')).toThrow(
      expect.objectContaining({ code: 'invalid_user_id' }),
    );
    expect(() => assertUserId(undefined)).toThrow(
      expect.objectContaining({ code: 'invalid_user_id' }),
    );
    expect(() => assertTenantId('')).toThrow(
      expect.objectContaining({ code: 'invalid_tenant_id' }),
    );
    expect(() => assertTenantId('a\u0000b')).toThrow(
      expect.objectContaining({ code: 'invalid_tenant_id' }),
    );
    expect(() => assertTenantId(undefined)).not.toThrow();
  });

  it.each(['b\u0000c', 'a\nb', 'a\tb', 'a\u001fb', 'a\u007fb'])(
    'refuses user id %j, which holds a control character, with invalid_user_id',
    (userId) => {
      expect(() => assertUserId(userId)).toThrow(
        expect.objectContaining({ code: 'invalid_user_id' }),
      );
    },
  );

  it.each(['alice', 'user@example.com', 'Zoë', 'a b', '42'])(
    'accepts user id %j',
    (userId) => {
      expect(() => assertUserId(userId)).not.toThrow();
    },
  );
});

describe('serializeData', () => {
  it('JSON-encodes strings and values, so data never contains a raw line break', () => {
    expect(serializeData('a\nb', 100)).toBe('"a\\nb"');
    expect(serializeData({ a: [1, null] }, 100)).toBe('{"a":[1,null]}');
    expect(serializeData(null, 100)).toBe('null');
  });

  it('measures the limit in UTF-8 bytes', () => {
    expect(serializeData('é'.repeat(4), 10)).toBe('"éééé"');
    expect(() => serializeData('é'.repeat(5), 11)).toThrow(
      expect.objectContaining({ code: 'payload_too_large' }),
    );
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a BigInt', 1n],
    [
      'a circular structure',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
  ])('refuses %s with unserializable_data', (_, value) => {
    expect(() => serializeData(value, 1_000)).toThrow(
      expect.objectContaining({ code: 'unserializable_data' }),
    );
  });
});
