/**
 * What a test file has started and not yet released, and what it is waiting
 * for; `releaseAll()` (run by test/utils/setup-e2e.ts after every file) closes
 * whatever is left, so that a spec whose set-up failed, timed out or was never
 * torn down cannot keep the process alive.
 *
 * - `hold(key, label, release)` records a resource (an app, a socket, a schema);
 *   `release(key)` releases it now, at most once; `forget(key)` drops it
 *   without releasing (it went away by itself).
 * - `starting(label, promise)` records a set-up in flight: a hook that timed
 *   out does not stop it, so the file's teardown waits for it before
 *   releasing what it started.
 * - `waitFor(label, ms, body)` bounds a wait: it rejects with a clear message
 *   after `ms`, or as soon as the test it belongs to has ended.
 */

type Release = () => unknown;

interface Held {
  label: string;
  release(): Promise<void>;
}

const held = new Map<object, Held>();
const inFlight = new Map<Promise<unknown>, string>();
const waits = new Set<Wait>();

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** How long a helper waits for something (an event, a condition, a response) unless told otherwise. */
export const WAIT_TIMEOUT = Number(process.env.SSE_TEST_WAIT_MS ?? 60_000);

/** Records `key` until it is released or forgotten; released at the end of the file at the latest. */
export function hold(key: object, label: string, release: Release): void {
  let done: Promise<void> | undefined;
  held.set(key, {
    label,
    release: () =>
      (done ??= (async () => {
        held.delete(key);
        await release();
      })()),
  });
}

/** Releases `key` now if it is held (once: later calls share the first release). */
export async function release(key: object | undefined): Promise<void> {
  if (key) await held.get(key)?.release();
}

/** Stops holding `key` without releasing it (it closed by itself). */
export function forget(key: object): void {
  held.delete(key);
}

/** Records a set-up in flight until it settles; the file's teardown waits for it. */
export function starting<T>(label: string, work: Promise<T>): Promise<T> {
  inFlight.set(work, label);
  const settled = () => void inFlight.delete(work);
  work.then(settled, settled);
  return work;
}

/**
 * Starts a resource and holds it once it is there: `release(resource)` (or
 * the end of the file) closes it, even if the hook that asked for it gave up.
 */
export function acquire<T extends object>(
  label: string,
  start: Promise<T>,
  close: (resource: T) => unknown,
): Promise<T> {
  return starting(
    label,
    start.then((resource) => {
      hold(resource, label, () => close(resource));
      return resource;
    }),
  );
}

/** A bounded wait: `race()` rejects once it timed out or its test ended. */
export class Wait {
  readonly stopped: Promise<never>;
  private rejectStopped!: (reason: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly origin = new Error();

  constructor(
    readonly label: string,
    ms = WAIT_TIMEOUT,
    private readonly detail?: () => string,
  ) {
    this.stopped = new Promise<never>((_, reject) => {
      this.rejectStopped = reject;
    });
    this.stopped.catch(() => undefined);
    this.timer = setTimeout(
      () => this.stop(`timed out after ${seconds(ms)} waiting for ${label}`),
      ms,
    );
    this.timer.unref();
    waits.add(this);
  }

  /** Resolves as `promise` does, or rejects when the wait is stopped first. */
  race<T>(promise: T | Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }

  stop(reason: string): void {
    if (!waits.delete(this)) return;
    clearTimeout(this.timer);
    const detail = this.detail?.();
    const message = detail ? `${reason}; ${detail}` : reason;
    const error = new Error(message);
    // Point at the helper's caller, not at the timer that fired.
    error.stack = `Error: ${message}\n${this.origin.stack?.split('\n').slice(1).join('\n') ?? ''}`;
    this.rejectStopped(error);
  }

  end(): void {
    waits.delete(this);
    clearTimeout(this.timer);
  }
}

/**
 * Runs `body` with a wait that rejects after `ms` or when the test ends; the
 * message names `label` and, if given, `detail()` (what was seen meanwhile).
 */
export async function waitFor<T>(
  label: string,
  ms: number | undefined,
  body: (wait: Wait) => Promise<T>,
  detail?: () => string,
): Promise<T> {
  const wait = new Wait(label, ms, detail);
  try {
    return await wait.race(body(wait));
  } finally {
    wait.end();
  }
}

/** Rejects every wait still pending (its test ended); returns their labels. */
export function abandonWaits(why: string): string[] {
  const labels = [...waits].map((w) => w.label);
  for (const wait of waits)
    wait.stop(`gave up waiting for ${wait.label}: ${why}`);
  return labels;
}

/** What is still held, in flight or awaited (for messages). */
export function describeOpen(): string[] {
  return [
    ...[...inFlight.values()].map((label) => `set-up in flight: ${label}`),
    ...[...held.values()].map((h) => `held: ${h.label}`),
    ...[...waits].map((w) => `waiting for: ${w.label}`),
  ];
}

async function within<T>(
  ms: number,
  work: Promise<T>,
): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([
      work.then((value) => ({ done: true as const, value })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits (up to `setUpMs`) for the set-ups still in flight, then releases
 * everything still held, newest first, each within `releaseMs`. Throws if
 * something could not be released.
 */
export async function releaseAll({
  setUpMs = 60_000,
  releaseMs = 15_000,
} = {}): Promise<void> {
  abandonWaits('the test file ended');
  const problems: string[] = [];
  if (inFlight.size > 0) {
    const labels = [...inFlight.values()];
    const settled = await within(setUpMs, Promise.allSettled(inFlight.keys()));
    if (!settled.done)
      problems.push(
        `set-ups still running ${seconds(setUpMs)} after the file ended: ${labels.join(', ')}`,
      );
  }
  for (const [key, entry] of [...held].reverse()) {
    const outcome = await within(
      releaseMs,
      entry.release().then(
        () => undefined,
        (err: unknown) => err as Error,
      ),
    );
    if (!outcome.done) {
      held.delete(key);
      problems.push(`releasing ${entry.label} took over ${seconds(releaseMs)}`);
    } else if (outcome.value)
      problems.push(
        `releasing ${entry.label} failed: ${outcome.value.message ?? String(outcome.value)}`,
      );
  }
  if (problems.length > 0)
    throw new Error(`test teardown:\n  ${problems.join('\n  ')}`);
}
