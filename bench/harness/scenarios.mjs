// The scenarios, each a sequence of measured windows on one Rig. A window
// reads the server's CPU time and the clients' counts before and after, so
// every figure is a delta over the same span.
import {
  BACKLOG_MS,
  CLIENT_CPU_LIMIT,
  LATENCY_LIMIT_MS,
  MIN_DELIVERY_RATIO,
} from './config.mjs';
import { sleep } from './rig.mjs';

const cpuUs = (a, b) => b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
const sysUs = (a, b) => b.cpu.system - a.cpu.system;
const ms = (us) => (us === undefined ? null : us / 1000);
const round = (x, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? null
    : Number(x.toFixed(digits));

function latencyOf(histogram) {
  return {
    samples: histogram.total,
    p50: round(ms(histogram.percentile(50))),
    p99: round(ms(histogram.percentile(99))),
    p999: round(ms(histogram.percentile(99.9))),
    max: round(ms(histogram.max)),
  };
}

function clientCheck(stats) {
  return {
    cpuShare: round(stats.cpuShare),
    eldP99Ms: round(stats.eldP99),
    bottleneck: stats.cpuShare > CLIENT_CPU_LIMIT,
  };
}

/** Lets in-flight events land, so that a window starts quiet. */
async function settle(rig) {
  const { events } = await rig.clientStats(false);
  await rig.waitForEvents(Number.MAX_SAFE_INTEGER, {
    quietMs: 200,
    maxMs: 10_000,
  });
  return events;
}

/** Scenario 1: memory per connection after GC, event-loop delay and CPU while idle. */
export async function measureIdle(rig, n, baseline, mode) {
  await sleep(200);
  const mem = await rig.usage(true);
  await rig.eldReset();
  const before = await rig.usage();
  await sleep(mode.idleMs);
  const after = await rig.usage();
  const open = mem.sockets;
  return {
    connections: n,
    serverSockets: open,
    heapPerConnBytes: Math.round((mem.heapUsed - baseline.heapUsed) / n),
    rssPerConnBytes: Math.round((mem.rss - baseline.rss) / n),
    heapUsedMB: round(mem.heapUsed / 2 ** 20, 1),
    rssMB: round(mem.rss / 2 ** 20, 1),
    idleCpuShare: round(
      cpuUs(before, after) / 1000 / (after.at - before.at),
      4,
    ),
    eldP99Ms: round(after.eld.p99),
    eldMaxMs: round(after.eld.max),
  };
}

/**
 * One open-loop publishing window: `kind` events at `rate` per second for
 * `durationMs`, each meant for `perPublish` connections. CPU per delivered
 * event is the server's CPU time over the window (publishing, fan-out,
 * writing, the kernel's share of the sends) divided by the events the
 * clients counted.
 */
export async function publishWindow(
  rig,
  { kind, rate, durationMs, payloadBytes, users, perPublish, offered },
) {
  await settle(rig);
  const c0 = await rig.clientStats();
  await rig.eldReset();
  const s0 = await rig.usage();
  const pub = await rig.server.call(
    'publish',
    { kind, rate, durationMs, payloadBytes, users },
    durationMs + 120_000,
  );
  const expected = pub.published * perPublish;
  const wait = await rig.waitForEvents(c0.events + expected, {
    quietMs: 500,
    maxMs: 5000,
  });
  const s1 = await rig.usage();
  const c1 = await rig.clientStats();
  const delivered = c1.events - c0.events;
  const spanMs = s1.at - s0.at;
  const cpu = cpuUs(s0, s1);
  return {
    kind,
    rate: round(rate, 3),
    published: pub.published,
    /** The load asked for (deliveries per second); the publish count is rounded. */
    offered: offered ?? null,
    offeredPerSec: Math.round((expected * 1000) / durationMs),
    delivered,
    deliveryRatio: round(delivered / Math.max(1, expected), 4),
    deliveredPerSec: Math.round(
      (delivered * 1000) / Math.max(durationMs, spanMs),
    ),
    cpuUsPerEvent: round(cpu / Math.max(1, delivered)),
    cpuUsPerPublish: round(cpu / pub.published),
    sysShare: round(sysUs(s0, s1) / Math.max(1, cpu)),
    serverCpuShare: round(cpu / 1000 / spanMs),
    spanMs: round(spanMs, 0),
    publishCallUs: round(pub.callUs),
    publisherMaxLagMs: round(pub.maxLagMs),
    bytesPerEvent: round((c1.bytes - c0.bytes) / Math.max(1, delivered), 1),
    drainMs: wait.waitedMs,
    latencyMs: latencyOf(c1.latency),
    serverEldP99Ms: round(s1.eld.p99),
    client: clientCheck(c1),
  };
}

/** The server kept up: (nearly) everything delivered, and no backlog of a second or more. */
const keptUp = (w) =>
  w.deliveryRatio >= MIN_DELIVERY_RATIO &&
  w.latencyMs.p99 !== null &&
  w.latencyMs.p99 < BACKLOG_MS;
/** Kept up with p99 under the latency limit. */
const sustained = (w) => keptUp(w) && w.latencyMs.p99 < LATENCY_LIMIT_MS;

/**
 * Scenario 2: broadcast to all N at increasing loads, until the server no
 * longer keeps up. Reports the highest load with p99 under the limit and the
 * highest load it kept up with at all.
 */
export async function broadcastLadder(rig, n, mode, log) {
  const windows = [];
  const once = async (offered) => {
    const w = await publishWindow(rig, {
      kind: 'broadcast',
      rate: offered / n,
      durationMs: mode.windowMs,
      payloadBytes: mode.payloadBytes,
      perPublish: n,
      offered,
    });
    w.keptUp = keptUp(w);
    w.sustained = sustained(w);
    return w;
  };
  for (const offered of mode.deliveredRates) {
    let w = await once(offered);
    if (offered === mode.referenceRate && mode.referenceRepeats > 1) {
      // The load variants are compared at: repeated, the median kept, the spread reported.
      const runs = [w];
      for (let i = 1; i < mode.referenceRepeats; i++)
        runs.push(await once(offered));
      const sorted = [...runs].sort(
        (a, b) => a.cpuUsPerEvent - b.cpuUsPerEvent,
      );
      w = { ...sorted[Math.floor(sorted.length / 2)] };
      w.repeats = runs.map((r) => ({
        cpuUsPerEvent: r.cpuUsPerEvent,
        p50: r.latencyMs.p50,
        p99: r.latencyMs.p99,
        deliveryRatio: r.deliveryRatio,
      }));
      w.cpuUsPerEventRange = [
        sorted[0].cpuUsPerEvent,
        sorted.at(-1).cpuUsPerEvent,
      ];
    }
    windows.push(w);
    log(
      `    broadcast ${String(offered).padStart(6)}/s offered: ${fmt(w.cpuUsPerEvent)} us/event` +
        `${w.cpuUsPerEventRange ? ` (${fmt(w.cpuUsPerEventRange[0])}-${fmt(w.cpuUsPerEventRange[1])})` : ''}, ` +
        `${w.deliveredPerSec}/s delivered (${(w.deliveryRatio * 100).toFixed(1)} %), ` +
        `p50 ${w.latencyMs.p50} p99 ${w.latencyMs.p99} ms, client cpu ${w.client.cpuShare}`,
    );
    if (!w.keptUp) break;
  }
  const best = windows.filter((w) => w.sustained).at(-1);
  const capacity = windows.filter((w) => w.keptUp).at(-1);
  return {
    windows,
    maxSustainedPerSec: best ? best.offered : 0,
    maxSustainedPublishRate: best ? best.rate : 0,
    keptUpPerSec: capacity ? capacity.offered : 0,
  };
}

/**
 * Scenario 3: `sendToUser` to users drawn at random among the N connected
 * ones (one connection each). The cost per call comes from bursts of calls
 * made back to back inside the server, each user at most once per burst
 * (median of three, after a few to warm up), the same number of calls at
 * every N: at a few hundred
 * calls a second, the CPU of waking the process for each call would swamp
 * it. Latency comes from an open-loop window at `rate` calls per second.
 */
export async function unicast(rig, n, mode, log) {
  const { rate, windowMs, burstCalls, burstRounds, burstMs, warmupBursts } =
    mode.unicast;
  await settle(rig);
  const bursts = [];
  // Warm-up bursts (JIT, inline caches, allocation sizing), not counted:
  // without them the first N measured costs up to twice the others.
  const burst = () =>
    rig.server.call(
      'burst',
      {
        users: n,
        maxCalls: burstCalls,
        rounds: burstRounds,
        maxMs: burstMs,
        payloadBytes: mode.payloadBytes,
      },
      120_000,
    );
  for (let i = 0; i < warmupBursts; i++) await burst();
  await settle(rig);
  for (let i = 0; i < 3; i++) {
    const before = (await rig.clientStats(false)).events;
    const b = await burst();
    const arrived = await rig.waitForEvents(before + b.calls, {
      quietMs: 300,
      maxMs: 5000,
    });
    bursts.push({ ...b, delivered: arrived.events - before });
  }
  const median = [...bursts].sort((a, b) => a.cpuUsPerCall - b.cpuUsPerCall)[1];
  const w = await publishWindow(rig, {
    kind: 'user',
    rate,
    durationMs: windowMs,
    payloadBytes: mode.payloadBytes,
    users: n,
    perPublish: 1,
  });
  const result = {
    ...w,
    cpuUsPerCall: round(median.cpuUsPerCall),
    inCallUs: round(median.inCallUs),
    bursts: bursts.map((b) => ({
      calls: b.calls,
      delivered: b.delivered,
      cpuUsPerCall: round(b.cpuUsPerCall),
      inCallUs: round(b.inCallUs),
    })),
  };
  log(
    `    sendToUser: ${fmt(result.cpuUsPerCall)} us CPU/call (bursts ${bursts.map((b) => fmt(b.cpuUsPerCall)).join(', ')}; ` +
      `${median.calls} calls), in-call ${fmt(result.inCallUs)} us; at ${rate}/s p99 ${w.latencyMs.p99} ms`,
  );
  return result;
}

/**
 * Scenario 5: connections replaced at `perSecond` (close one, open one), first
 * alone, then while broadcasting. Heap after GC before and after shows leaks.
 */
export async function churn(rig, mode, log) {
  const { connections, perSecond, windowMs, broadcastRate } = mode.churn;
  const shards = rig.clients.length;
  await settle(rig);
  const heapBefore = (await rig.usage(true)).heapUsed;

  const runChurn = async () => {
    const results = await rig.call('churn', {
      perSecond: perSecond / shards,
      durationMs: windowMs,
      from: 0,
      to: connections,
      nextIndex: rig.nextIndex,
    });
    rig.nextIndex = Math.max(...results.map((r) => r.nextIndex)) + shards;
    return {
      connects: results.reduce((t, r) => t + r.connects, 0),
      failures: results.reduce((t, r) => t + r.failures, 0),
      closes: results.reduce((t, r) => t + r.closes, 0),
    };
  };

  // Churn alone: the cost of one connect + disconnect.
  await rig.clientStats();
  let s0 = await rig.usage();
  const alone = await runChurn();
  await sleep(300);
  let s1 = await rig.usage();
  const aloneStats = await rig.clientStats();
  const cpuPerChurnUs = cpuUs(s0, s1) / Math.max(1, alone.connects);

  // Churn while broadcasting to everyone connected.
  await settle(rig);
  const c0 = await rig.clientStats();
  await rig.eldReset();
  s0 = await rig.usage();
  const [pub, during] = await Promise.all([
    rig.server.call(
      'publish',
      {
        kind: 'broadcast',
        rate: broadcastRate,
        durationMs: windowMs,
        payloadBytes: mode.payloadBytes,
      },
      windowMs + 120_000,
    ),
    runChurn(),
  ]);
  await rig.waitForEvents(Number.MAX_SAFE_INTEGER, {
    quietMs: 400,
    maxMs: 3000,
  });
  s1 = await rig.usage();
  const c1 = await rig.clientStats();
  await sleep(500);
  const heapAfter = (await rig.usage(true)).heapUsed;
  const result = {
    connections,
    perSecond,
    windowMs,
    alone: {
      ...alone,
      achievedPerSec: round((alone.connects * 1000) / windowMs, 1),
      cpuUsPerConnectDisconnect: round(cpuPerChurnUs, 1),
      connectMs: latencyOf(aloneStats.connectLatency),
    },
    withBroadcast: {
      ...during,
      broadcastRate,
      published: pub.published,
      delivered: c1.events - c0.events,
      serverCpuShare: round(cpuUs(s0, s1) / 1000 / (s1.at - s0.at)),
      latencyMs: latencyOf(c1.latency),
      connectMs: latencyOf(c1.connectLatency),
      serverEldP99Ms: round(s1.eld.p99),
      client: clientCheck(c1),
    },
    heapGrowthAfterGcMB: round((heapAfter - heapBefore) / 2 ** 20, 2),
  };
  log(
    `    churn ${perSecond}/s: ${result.alone.cpuUsPerConnectDisconnect} us CPU per connect+disconnect, ` +
      `connect p99 ${result.alone.connectMs.p99} ms; with broadcast p99 ${result.withBroadcast.latencyMs.p99} ms, ` +
      `heap ${result.heapGrowthAfterGcMB >= 0 ? '+' : ''}${result.heapGrowthAfterGcMB} MB`,
  );
  return result;
}

/**
 * Publishes for `durationMs` while reading the server every 250 ms (no GC),
 * then waits for the clients to go quiet. Returns the readings.
 */
async function sampledPublish(rig, params, quietMs = 300) {
  const c0 = await rig.clientStats();
  await rig.eldReset();
  const s0 = await rig.usage();
  const peak = {
    heapUsed: s0.heapUsed,
    rss: s0.rss,
    socketBuffered: s0.socketBuffered,
  };
  const timeline = [];
  let publishing = true;
  const published = rig.server
    .call(
      'publish',
      { kind: 'broadcast', ...params },
      params.durationMs + 120_000,
    )
    .finally(() => (publishing = false));
  while (publishing) {
    await sleep(250);
    const u = await rig.usage();
    for (const key of Object.keys(peak))
      peak[key] = Math.max(peak[key], u[key]);
    timeline.push([
      Math.round(u.at - s0.at),
      round(u.heapUsed / 2 ** 20, 1),
      round(u.rss / 2 ** 20, 1),
      u.sockets,
      round(u.socketBuffered / 2 ** 20, 2),
    ]);
  }
  const pub = await published;
  await rig.waitForEvents(Number.MAX_SAFE_INTEGER, { quietMs, maxMs: 5000 });
  return { c0, s0, pub, peak, timeline };
}

/**
 * Scenario 4: one connection in `every` stops reading (its socket paused;
 * sampled connections are never among them) while broadcasting goes on with
 * large payloads. The server's heap is read every 250 ms, first in a
 * reference window where everyone reads, then with the stalled clients; the
 * growth over the reference is what the stalled clients cost (the rest is
 * garbage of the traffic itself). The fast clients' latency is compared
 * between the two windows.
 *
 * Before that, `prefill` events are published to a single connection so
 * that anything a variant retains per message (the library's history, with
 * its frames in their written form) is at its bound already.
 * Loopback sockets take about 4 MB each in kernel buffers (tcp_wmem max)
 * before the server process sees backpressure, so a stalled client must be
 * sent more than that for its server-side buffering to show.
 */
export async function slowConsumers(rig, mode, log) {
  const {
    connections,
    every,
    rate,
    payloadBytes,
    prefill,
    referenceMs,
    windowMs,
    cutWaitMs,
  } = mode.slow;
  await rig.closeDownTo(1);
  await rig.server.call(
    'publish',
    {
      kind: 'broadcast',
      rate: 5000,
      durationMs: (prefill * 1000) / 5000,
      payloadBytes,
    },
    120_000,
  );
  await rig.connectTo(connections);
  await settle(rig);

  const refBefore = await rig.usage(true);
  const ref = await sampledPublish(rig, {
    rate,
    durationMs: referenceMs,
    payloadBytes,
  });
  const refStats = await rig.clientStats();
  const frameBytes =
    (refStats.bytes - ref.c0.bytes) /
    Math.max(1, refStats.events - ref.c0.events);
  await settle(rig);

  const before = await rig.usage(true);
  const stalled = (
    await rig.call('stall', { every, offset: Math.floor(every / 2) })
  ).reduce((a, b) => a + b, 0);
  const slow = await sampledPublish(rig, {
    rate,
    durationMs: windowMs,
    payloadBytes,
  });
  await sleep(cutWaitMs); // the library cuts a stalled socket 2 s after its final event
  const s1 = await rig.usage();
  const c1 = await rig.clientStats();
  const afterGc = await rig.usage(true);
  const fastExpected = slow.pub.published * (connections - stalled);
  const fastDelivered =
    c1.events - slow.c0.events - (c1.slowEvents - slow.c0.slowEvents);
  const mb = (bytes) => round(bytes / 2 ** 20, 1);
  const result = {
    connections,
    stalled,
    publishRate: rate,
    payloadBytes,
    published: slow.pub.published,
    frameBytes: round(frameBytes, 0),
    /** What each stalled client was sent and did not read. */
    unreadPerStalledMB: mb(slow.pub.published * frameBytes),
    referenceLatencyMs: latencyOf(refStats.latency),
    latencyMs: latencyOf(c1.latency),
    fastDeliveryRatio: round(fastDelivered / Math.max(1, fastExpected), 4),
    stalledClosedByServer: Math.max(0, slow.s0.sockets - s1.sockets),
    heapBeforeMB: mb(before.heapUsed),
    /** Peak heap growth while everyone reads: the garbage of the traffic itself. */
    referencePeakHeapGrowthMB: mb(ref.peak.heapUsed - refBefore.heapUsed),
    peakHeapGrowthMB: mb(slow.peak.heapUsed - before.heapUsed),
    /** Peak growth with stalled clients over that of the reference window. */
    peakHeapGrowthOverReferenceMB: mb(
      slow.peak.heapUsed -
        before.heapUsed -
        (ref.peak.heapUsed - refBefore.heapUsed),
    ),
    heapGrowthAfterGcMB: mb(afterGc.heapUsed - before.heapUsed),
    peakRssGrowthMB: mb(slow.peak.rss - before.rss),
    /** Most bytes waiting in the server's socket write buffers (Node side, not the kernel's). */
    peakSocketBufferedMB: mb(slow.peak.socketBuffered),
    socketBufferedAtEndMB: mb(s1.socketBuffered),
    serverCpuShare: round(cpuUs(slow.s0, s1) / 1000 / (s1.at - slow.s0.at)),
    client: clientCheck(c1),
    /** [ms since start, heapUsed MB, rss MB, open sockets, socket write buffers MB] every 250 ms. */
    timeline: slow.timeline,
  };
  log(
    `    slow consumers ${stalled}/${connections}: peak heap +${result.peakHeapGrowthMB} MB ` +
      `(reference +${result.referencePeakHeapGrowthMB} MB; after GC +${result.heapGrowthAfterGcMB} MB), ` +
      `${result.stalledClosedByServer} cut by the server, fast p99 ${result.referenceLatencyMs.p99} -> ${result.latencyMs.p99} ms`,
  );
  return result;
}

export function fmt(x) {
  return x === null || x === undefined
    ? '-'
    : x >= 100
      ? x.toFixed(0)
      : x.toFixed(1);
}

/**
 * Scenario 6: what the Redis transport adds. The same windows run on L-direct
 * (one instance, memory transport) and on L-redis (two instances sharing
 * Redis, clients alternating, the first publishing): CPU per delivered event
 * summed over the instances, Redis's own CPU per publish, and latency, for a
 * broadcast and for sendToUser (whose recipient is on the other instance
 * half the time).
 */
export async function overRedis(rig, mode, log, redis) {
  const { connections, broadcastRate, userRates, windowMs } = mode.redis;
  await rig.closeDownTo(0);
  await rig.connectTo(connections);
  const windows = [];
  const measure = async (spec) => {
    const r0 = await redis?.cpuUs();
    const w = await publishWindow(rig, {
      ...spec,
      durationMs: windowMs,
      payloadBytes: mode.payloadBytes,
    });
    const r1 = await redis?.cpuUs();
    w.redisCpuUsPerPublish =
      r0 === undefined ? null : round((r1 - r0) / w.published);
    // Share of a core over the window, presence upkeep included.
    w.redisCpuShare =
      r0 === undefined ? null : round((r1 - r0) / 1000 / w.spanMs, 3);
    windows.push(w);
    log(
      `    ${spec.kind === 'broadcast' ? 'broadcast' : 'sendToUser'} ${w.offeredPerSec}/s delivered offered: ` +
        `${fmt(w.cpuUsPerEvent)} us/event in the instances` +
        (w.redisCpuUsPerPublish === null
          ? ''
          : ` + ${fmt(w.redisCpuUsPerPublish)} us per publish in Redis (${fmt(w.redisCpuShare * 100)} % of a core)`) +
        `, p50 ${w.latencyMs.p50} p99 ${w.latencyMs.p99} ms, ${(w.deliveryRatio * 100).toFixed(1)} % delivered`,
    );
  };
  await measure({
    kind: 'broadcast',
    rate: broadcastRate / connections,
    perPublish: connections,
    offered: broadcastRate,
  });
  for (const rate of userRates) {
    await measure({
      kind: 'user',
      rate,
      users: connections,
      perPublish: 1,
      offered: rate,
    });
  }
  return { connections, instances: rig.servers.length, windows };
}
