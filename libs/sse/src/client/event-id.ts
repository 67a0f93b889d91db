/**
 * Ids are `<epoch>-<sequence>` (see the package's docs, "Ids and cursors"):
 * within one epoch the sequence orders them; an id of another epoch comes
 * after a `reset` or a lost history, and is taken as new.
 */
const ID_PATTERN = /^([0-9a-f]{1,32})-(0|[1-9][0-9]{0,15})$/;

interface ParsedId {
  epoch: string;
  seq: number;
}

function parseId(id: string): ParsedId | undefined {
  const match = ID_PATTERN.exec(id);
  return match ? { epoch: match[1], seq: Number(match[2]) } : undefined;
}

/**
 * Whether a message with id `candidate` must be delivered to a client whose
 * last delivered id is `last`: false when it is the same id or an earlier one
 * of the same epoch (already delivered, or older than the cursor).
 */
export function isAfter(candidate: string, last: string | undefined): boolean {
  if (!last) return true;
  if (candidate === last) return false;
  const a = parseId(candidate);
  const b = parseId(last);
  if (!a || !b || a.epoch !== b.epoch) return true;
  return a.seq > b.seq;
}
