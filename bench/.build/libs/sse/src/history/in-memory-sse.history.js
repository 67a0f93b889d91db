class TargetLog {
    size;
    entries = [];
    head = 0;
    evictedUpTo = 0;
    constructor(size) {
        this.size = size;
    }
    get length() {
        return this.entries.length - this.head;
    }
    push(envelope) {
        this.entries.push(envelope);
        if (this.length > this.size)
            this.evictOldest();
    }
    expire(cutoff) {
        while (this.length > 0 && this.entries[this.head].createdAt < cutoff)
            this.evictOldest();
    }
    after(afterSeq) {
        let from = this.entries.length;
        while (from > this.head && this.entries[from - 1].seq > afterSeq)
            from--;
        return this.entries.slice(from);
    }
    evictOldest() {
        this.evictedUpTo = this.entries[this.head].seq;
        this.head++;
        if (this.head >= 32 && this.head * 2 >= this.entries.length) {
            this.entries = this.entries.slice(this.head);
            this.head = 0;
        }
    }
}
export class InMemorySseHistory {
    size;
    ttl;
    now;
    targets = new Map();
    releasedUpTo = 0;
    sweeper;
    constructor(size, ttl, now = Date.now) {
        this.size = size;
        this.ttl = ttl;
        this.now = now;
        this.sweeper = setInterval(() => this.sweep(), Math.min(ttl, 60_000));
        this.sweeper.unref();
    }
    get targetCount() {
        return this.targets.size;
    }
    append(targetKey, envelope) {
        let ring = this.targets.get(targetKey);
        if (!ring)
            this.targets.set(targetKey, (ring = new TargetLog(this.size)));
        ring.push(envelope);
    }
    read(targetKeys, afterSeq) {
        const cutoff = this.now() - this.ttl;
        let complete = this.releasedUpTo <= afterSeq;
        const slices = [];
        for (const key of targetKeys) {
            const ring = this.targets.get(key);
            if (!ring)
                continue;
            ring.expire(cutoff);
            if (ring.evictedUpTo > afterSeq)
                complete = false;
            const slice = ring.after(afterSeq);
            if (slice.length > 0)
                slices.push(slice);
        }
        const envelopes = slices.length === 1
            ? slices[0]
            : slices.flat().sort((a, b) => a.seq - b.seq);
        return Promise.resolve({ envelopes, complete });
    }
    sweep() {
        const cutoff = this.now() - this.ttl;
        for (const [key, ring] of this.targets) {
            ring.expire(cutoff);
            if (ring.length === 0) {
                this.releasedUpTo = Math.max(this.releasedUpTo, ring.evictedUpTo);
                this.targets.delete(key);
            }
        }
    }
    close() {
        clearInterval(this.sweeper);
        this.targets.clear();
    }
}
