/** Methods that change state, which a page of another site must not trigger. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isStateChanging = (method: string): boolean =>
  STATE_CHANGING.has(method.toUpperCase());
