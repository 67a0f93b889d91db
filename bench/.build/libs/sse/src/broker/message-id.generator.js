import { randomBytes } from 'node:crypto';
const MAX_CURSOR_LENGTH = 64;
const CURSOR_PATTERN = /^([0-9a-f]{1,32})-(0|[1-9][0-9]{0,15})$/;
export class MessageIdGenerator {
    epoch = randomBytes(5).toString('hex');
    sequence = 0;
    get head() {
        return this.sequence;
    }
    next() {
        const seq = ++this.sequence;
        return { id: this.format(seq), seq };
    }
    format(seq) {
        return `${this.epoch}-${seq}`;
    }
}
export function parseCursor(value) {
    if (typeof value !== 'string' || value.length > MAX_CURSOR_LENGTH)
        return undefined;
    const match = CURSOR_PATTERN.exec(value);
    if (!match)
        return undefined;
    const seq = Number(match[2]);
    return Number.isSafeInteger(seq) ? { epoch: match[1], seq } : undefined;
}
