import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';

/** setTimeout's largest delay. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * One option's rule: which values it allows, in code and in words. A
 * bound may depend on the options resolved before it (listed earlier in the
 * same table).
 * @internal
 */
export interface OptionRule {
  /** The allowed values in words, for the error message. */
  range(resolved: Record<string, unknown>): string;
  ok(value: unknown, resolved: Record<string, unknown>): boolean;
  /** Normalises an accepted value. */
  map?(value: unknown): unknown;
  /** What the error message shows instead of a value that must not be echoed. */
  shown?(value: unknown): unknown;
}

type Bound = number | ((resolved: Record<string, unknown>) => number);
const bound = (b: Bound, resolved: Record<string, unknown>) =>
  typeof b === 'function' ? b(resolved) : b;

/** An integer from `min` to `max`; `note` explains a bound in the message. @internal */
export function integer(
  min: Bound,
  max: number,
  note?: (resolved: Record<string, unknown>) => string,
  extra: (value: number) => boolean = () => true,
): OptionRule {
  return {
    range: (resolved) => {
      const low = bound(min, resolved);
      const range =
        max >= Number.MAX_SAFE_INTEGER
          ? `an integer >= ${low}`
          : `an integer from ${low} to ${max}`;
      return note ? `${range} ${note(resolved)}` : range;
    },
    ok: (value, resolved) =>
      Number.isInteger(value) &&
      (value as number) >= bound(min, resolved) &&
      (value as number) <= max &&
      extra(value as number),
  };
}

/** `true` or `false`. @internal */
export const boolean: OptionRule = {
  range: () => 'true or false',
  ok: (value) => typeof value === 'boolean',
};

/** One of the listed strings. @internal */
export function oneOf(...values: string[]): OptionRule {
  return {
    range: () =>
      values
        .map((v) => `'${v}'`)
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1'),
    ok: (value) => values.includes(value as string),
  };
}

/** A string matching `pattern`, described as `words`. @internal */
export function matching(
  pattern: RegExp,
  words: string,
  map?: (value: string) => string,
): OptionRule {
  return {
    range: () => words,
    ok: (value) => typeof value === 'string' && pattern.test(value),
    map: map && ((value) => map(value as string)),
  };
}

/** A class, or an instance with the method `method`, implementing `contract`. @internal */
export function pluggable(method: string, contract: string): OptionRule {
  return {
    range: () =>
      `an injectable class implementing ${contract}, or an instance of one (with its ${method}() method)`,
    ok: (value) =>
      value === undefined ||
      typeof value === 'function' ||
      (typeof value === 'object' &&
        value !== null &&
        typeof (value as Record<string, unknown>)[method] === 'function'),
    shown: (value) => (typeof value === 'object' ? '<object>' : value),
  };
}

/** Histogram buckets: 1 to 30 finite positive numbers in ascending order, copied. @internal */
export const buckets: OptionRule = {
  range: () => '1 to 30 positive numbers (seconds) in ascending order',
  ok: (value) =>
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= 30 &&
    value.every(
      (b, i) =>
        typeof b === 'number' &&
        Number.isFinite(b) &&
        b > 0 &&
        (i === 0 || b > (value[i - 1] as number)),
    ),
  map: (value) => [...(value as number[])],
};

/**
 * A list of serialised web origins (`https://host[:port]`, as browsers send
 * them in `Origin`), copied. @internal
 */
export const origins: OptionRule = {
  range: () =>
    "a list of origins, each a scheme, host and optional port such as 'https://app.example.com' (no path, no trailing slash, lower case)",
  ok: (value) => Array.isArray(value) && value.every(isOrigin),
  map: (value) => [...(value as string[])],
};

function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * Resolves one section of the options: each rule's option, in table order,
 * from `given` or else `defaults`, checked and normalised. Throws
 * {@link InvalidSseOptionsError} naming the first option out of range
 * (`prefix` + its name).
 * @internal
 */
export function applyRules<T>(
  prefix: string,
  given: object | undefined,
  defaults: object,
  rules: Record<string, OptionRule>,
): T {
  const resolved: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value =
      (given as Record<string, unknown> | undefined)?.[name] ??
      (defaults as Record<string, unknown>)[name];
    check(
      `${prefix}${name}`,
      rule.ok(value, resolved),
      rule.range(resolved),
      rule.shown ? rule.shown(value) : value,
    );
    resolved[name] = rule.map ? rule.map(value) : value;
  }
  return resolved as T;
}

/** Throws {@link InvalidSseOptionsError} naming `option` unless `ok`. @internal */
export function check(
  option: string,
  ok: boolean,
  range: string,
  got: unknown,
): void {
  if (!ok)
    throw new InvalidSseOptionsError(
      SSE_MESSAGES.OPTION_OUT_OF_RANGE(option, range, got),
    );
}
