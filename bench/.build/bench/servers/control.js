import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
export const wallNow = () => performance.timeOrigin + performance.now();
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
const sockets = new Set();
let publishSeq = 0;
export function trackConnections(server) {
    server.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
    });
}
function socketBuffered() {
    let total = 0;
    for (const socket of sockets)
        total += socket.writableLength;
    return total;
}
export function serveControl(variant, port, target) {
    const send = process.send?.bind(process);
    if (!send)
        throw new Error('bench servers run under the harness (IPC)');
    process.on('message', (raw) => {
        const { id, ...request } = raw;
        handle(request, target).then((result) => send({ id, result }), (err) => send({ id, error: err.stack ?? String(err) }));
    });
    process.on('disconnect', () => process.exit(0));
    send({ ready: true, variant, port, pid: process.pid });
}
async function handle(request, target) {
    switch (request.op) {
        case 'usage':
            return usage(request.gc === true);
        case 'eldReset':
            eld.reset();
            return true;
        case 'publish':
            return publish(request, target);
        case 'burst':
            return burst(request, target);
        case 'exit':
            setImmediate(() => process.exit(0));
            return true;
    }
}
function usage(gc) {
    if (gc)
        collect();
    const mem = process.memoryUsage();
    return {
        at: wallNow(),
        cpu: process.cpuUsage(),
        heapUsed: mem.heapUsed,
        heapTotal: mem.heapTotal,
        rss: mem.rss,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
        sockets: sockets.size,
        socketBuffered: socketBuffered(),
        eld: {
            p50: eld.percentile(50) / 1e6,
            p99: eld.percentile(99) / 1e6,
            max: eld.max / 1e6,
            mean: eld.mean / 1e6,
        },
    };
}
function collect() {
    const gc = globalThis.gc;
    if (!gc)
        throw new Error('run bench servers with --expose-gc');
    gc();
    gc();
}
function publish(request, target) {
    const { kind, rate, durationMs, payloadBytes, users = 1 } = request;
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const interval = 1000 / rate;
    const padding = '#' + 'x'.repeat(Math.max(0, payloadBytes - 48));
    let random = 0x2545f491;
    let sent = 0;
    let callMs = 0;
    let maxLagMs = 0;
    const start = wallNow();
    return new Promise((resolve) => {
        const tick = () => {
            const now = wallNow();
            const due = Math.min(total, Math.floor((now - start) / interval) + 1);
            for (; sent < due; sent++) {
                const intended = start + sent * interval;
                maxLagMs = Math.max(maxLagMs, now - intended);
                const payload = { t: intended, s: ++publishSeq, p: padding };
                const before = performance.now();
                if (kind === 'broadcast')
                    target.broadcast(publishSeq, payload);
                else if (kind === 'user') {
                    random = (Math.imul(random, 1103515245) + 12345) >>> 0;
                    target.sendToUser(`u${random % users}`, publishSeq, payload);
                }
                callMs += performance.now() - before;
            }
            if (sent >= total) {
                resolve({ published: sent, callUs: (callMs * 1000) / sent, maxLagMs });
                return;
            }
            setTimeout(tick, Math.max(0, start + sent * interval - wallNow()));
        };
        tick();
    });
}
async function burst(request, target) {
    const { users, maxCalls, maxMs, payloadBytes } = request;
    const padding = '#' + 'x'.repeat(Math.max(0, payloadBytes - 48));
    let random = 0x68e31da4;
    const cpu0 = process.cpuUsage();
    const start = wallNow();
    let calls = 0;
    while (calls < maxCalls && wallNow() - start < maxMs) {
        random = (Math.imul(random, 1103515245) + 12345) >>> 0;
        target.sendToUser(`u${random % users}`, ++publishSeq, { t: wallNow(), s: publishSeq, p: padding });
        calls++;
    }
    const callMs = wallNow() - start;
    await new Promise((resolve) => setImmediate(resolve));
    const cpu = process.cpuUsage(cpu0);
    return { calls, cpuUsPerCall: (cpu.user + cpu.system) / calls, inCallUs: (callMs * 1000) / calls };
}
export function argOf(name, fallback) {
    const prefix = `--${name}=`;
    const arg = process.argv.find((a) => a.startsWith(prefix));
    return arg ? arg.slice(prefix.length) : fallback;
}
