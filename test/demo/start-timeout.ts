/**
 * How long a spec's `beforeAll` may take to start the demo: PGlite's start is
 * CPU-bound (WebAssembly compilation) and takes far longer than Jest's
 * default hook timeout on a busy machine.
 */
export const START_TIMEOUT_MS = 60_000;
