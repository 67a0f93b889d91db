// Scenario 7: many streams over several library instances sharing one
// Redis, the way a fleet holds them: connect N streams (each with its own
// JWT), measure memory and the idle event loop, then one broadcast to all
// and sendToUser to random users. Repeated at growing N (the steps of
// mode.scale.steps), so that the figures show how they grow.
import { readFileSync, writeFileSync } from 'node:fs';
import { sleep } from './rig.mjs';

const round = (x, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? null
    : Number(x.toFixed(digits));
const cpuUs = (a, b) => b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
const ms = (us) => (us === undefined ? null : us / 1000);

function latencyOf(histogram) {
  return {
    samples: histogram.total,
    p50: round(ms(histogram.percentile(50))),
    p99: round(ms(histogram.percentile(99))),
    p999: round(ms(histogram.percentile(99.9))),
    max: round(ms(histogram.max)),
  };
}

/** Per-instance readings side by side: their sum, smallest and largest. */
function spread(values) {
  return {
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** The instances' readings, one each, whether the rig has one or several. */
const perInstance = (usage) => usage.instances ?? [usage];

/**
 * One publishing window over every instance: CPU summed over them, Redis's
 * own CPU, the events the clients counted (waiting for all `expected` of
 * them, up to `maxWaitMs`) and their latency from the payload's time.
 */
async function window(rig, redis, { expected, maxWaitMs, publish }) {
  const c0 = await rig.clientStats();
  const r0 = await redis.cpuUs();
  const s0 = await rig.usage();
  const pub = await publish();
  const wait = await rig.waitForEvents(c0.events + expected, {
    quietMs: 3000,
    maxMs: maxWaitMs,
  });
  const s1 = await rig.usage();
  const r1 = await redis.cpuUs();
  const c1 = await rig.clientStats();
  const delivered = c1.events - c0.events;
  const cpu = cpuUs(s0, s1);
  return {
    published: pub.published,
    expected,
    delivered,
    complete: delivered === expected,
    drainMs: wait.waitedMs,
    instanceCpuMs: round(cpu / 1000, 1),
    cpuUsPerEvent: round(cpu / Math.max(1, delivered)),
    redisCpuMs: round((r1 - r0) / 1000, 1),
    redisCpuUsPerPublish: round((r1 - r0) / Math.max(1, pub.published)),
    latencyMs: latencyOf(c1.latency),
    clientCpuShare: round(c1.cpuShare),
  };
}

/**
 * Runs scenario 7 on a started rig (several instances on the Redis
 * transport, several load generators). Each step connects up to its N,
 * then measures; nothing is closed between steps. Each step's figures go
 * into `out.steps` as soon as they are measured, so that a run stopped by
 * its deadline keeps the steps it completed.
 */
export async function atScale(rig, mode, log, redis, baseline, out) {
  const { steps, idleMs, userCalls, userRate, payloadBytes } = mode.scale;
  out.instances = rig.servers.length;
  out.loadGenerators = rig.clients.length;
  out.baseline = {
    rssMB: round(baseline.rss / 2 ** 20, 1),
    heapMB: round(baseline.heapUsed / 2 ** 20, 1),
  };
  out.steps = [];
  const results = out.steps;
  for (const n of steps) {
    const retriedBefore = (await rig.clientStats(false)).retried;
    const r0 = await redis.cpuUs();
    const u0 = await rig.usage();
    // Bounded by the scenario's own deadline.
    const connect = await rig.connectTo(
      n,
      mode.scale.maxMs,
      mode.scale.connectConcurrency,
    );
    const u1 = await rig.usage();
    const r1 = await redis.cpuUs();
    const retried = (await rig.clientStats(false)).retried - retriedBefore;
    const opened = connect.opened;
    // Connect time of this step's new streams, and of all of them so far.
    const connectMs = connect.ms;
    await sleep(500);

    const mem = await rig.usage(true);
    const rss = perInstance(mem).map((u) => u.rss);
    const heap = perInstance(mem).map((u) => u.heapUsed);
    const sockets = perInstance(mem).map((u) => u.sockets);
    const baseRss = baseline.rss;
    const baseHeap = baseline.heapUsed;

    // Idle: long enough for one presence refresh (every presenceTtl / 3).
    await rig.eldReset();
    const i0 = await rig.usage();
    const ri0 = await redis.cpuUs();
    await sleep(idleMs);
    const i1 = await rig.usage();
    const ri1 = await redis.cpuUs();
    const eld = perInstance(i1).map((u) => u.eld);

    const broadcast = await window(rig, redis, {
      expected: n,
      maxWaitMs: 60_000,
      publish: () =>
        rig.server.call('publish', {
          kind: 'broadcast',
          rate: 1,
          durationMs: 1,
          payloadBytes,
        }),
    });
    const durationMs = Math.round((userCalls * 1000) / userRate);
    const unicast = await window(rig, redis, {
      expected: userCalls,
      maxWaitMs: 30_000,
      publish: () =>
        rig.server.call(
          'publish',
          { kind: 'user', rate: userRate, durationMs, payloadBytes, users: n },
          durationMs + 60_000,
        ),
    });

    const step = {
      connections: n,
      instances: rss.length,
      connect: {
        opened,
        /** Opens answered 503 (transport too slow) and retried, as a reconnecting client would. */
        retried,
        ms: round(connectMs, 0),
        perSec: round((opened * 1000) / Math.max(1, connectMs), 0),
        instanceCpuUsPerConnect: round(cpuUs(u0, u1) / Math.max(1, opened), 0),
        redisCpuUsPerConnect: round((r1 - r0) / Math.max(1, opened), 1),
      },
      memory: {
        serverSockets: sockets.reduce((a, b) => a + b, 0),
        rssMB: round(spread(rss).sum / 2 ** 20, 1),
        heapMB: round(spread(heap).sum / 2 ** 20, 1),
        rssPerInstanceMB: rss.map((v) => round(v / 2 ** 20, 1)),
        rssPerStreamBytes: Math.round((spread(rss).sum - baseRss) / n),
        heapPerStreamBytes: Math.round((spread(heap).sum - baseHeap) / n),
      },
      idle: {
        ms: idleMs,
        eldP50Ms: round(Math.max(...eld.map((e) => e.p50))),
        eldP99Ms: round(Math.max(...eld.map((e) => e.p99))),
        eldMaxMs: round(Math.max(...eld.map((e) => e.max))),
        instanceCpuShare: round(cpuUs(i0, i1) / 1000 / (i1.at - i0.at), 3),
        redisCpuShare: round((ri1 - ri0) / 1000 / (i1.at - i0.at), 3),
      },
      broadcast,
      unicast: { ...unicast, calls: userCalls, rate: userRate },
    };
    results.push(step);
    log(
      `  N=${n}: connected ${opened} in ${(connectMs / 1000).toFixed(1)} s (${step.connect.perSec}/s, ` +
        `${step.connect.instanceCpuUsPerConnect} us CPU in the instances and ${step.connect.redisCpuUsPerConnect} us in Redis per connect, ${retried} retried after 503); ` +
        `RSS ${step.memory.rssMB} MB over ${rss.length} instances, ${(step.memory.rssPerStreamBytes / 1024).toFixed(1)} KB/stream ` +
        `(heap ${(step.memory.heapPerStreamBytes / 1024).toFixed(1)} KB); idle eld p99 ${step.idle.eldP99Ms} max ${step.idle.eldMaxMs} ms, ` +
        `Redis ${(step.idle.redisCpuShare * 100).toFixed(1)} % of a core`,
    );
    log(
      `    broadcast: ${broadcast.delivered}/${broadcast.expected} delivered, ${broadcast.cpuUsPerEvent} us/event, ` +
        `p50 ${broadcast.latencyMs.p50} p99 ${broadcast.latencyMs.p99} p99.9 ${broadcast.latencyMs.p999} ms`,
    );
    log(
      `    sendToUser x${userCalls} at ${userRate}/s: ${unicast.delivered}/${unicast.expected} delivered, ` +
        `${unicast.cpuUsPerEvent} us/event, Redis ${unicast.redisCpuUsPerPublish} us/publish, ` +
        `p50 ${unicast.latencyMs.p50} p99 ${unicast.latencyMs.p99} p99.9 ${unicast.latencyMs.p999} ms`,
    );
  }
  return out;
}

/** Rejects after `ms` (the run stops itself; the caller's finally releases everything). */
export function deadline(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: stopped after ${ms / 1000} s`)),
      ms,
    );
  });
  return { promise, clear: () => clearTimeout(timer) };
}

const fix = (x, d = 1) =>
  x == null || !Number.isFinite(x) ? '–' : x.toFixed(d);
const k = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** The Markdown of scenario 7, from the results of a run that included L-scale. */
export function scaleMarkdown(results, chartFile) {
  const scale = results.variants['L-scale']?.scale;
  const env = results.environment;
  const m = results.mode.scale;
  const lines = [];
  const table = (head, rows) => {
    lines.push(
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
    );
    rows.forEach((r) => lines.push(`| ${r.join(' | ')} |`));
    lines.push('');
  };
  lines.push(
    `Run of ${results.date} (${results.modeName} mode) on ${env.cpuModel}, ${env.cores} cores, ${env.memoryGB} GB, ` +
      `Node ${env.node}, open files ${env.fdLimitPerProcess} per process; library at \`${(env.git.commit ?? '').slice(0, 10)}\`` +
      `${env.git.libraryDirty ? ' with uncommitted library changes' : ''}. ` +
      `Raw figures: [\`bench/results/${results.file}\`](../bench/results/${results.file}).`,
    '',
  );
  if (!scale) {
    lines.push('Not measured in this run.', '');
    return lines.join('\n');
  }
  const connectAllMs = scale.steps.reduce((t, s) => t + s.connect.ms, 0);
  const last = scale.steps.at(-1);
  lines.push(
    `![Scenario 7 against N](bench/${chartFile})`,
    '',
    `All ${k(last.connections)} streams connected in ${fix(connectAllMs / 1000, 0)} s (the steps' connect times added up)` +
      (scale.stopped
        ? `; the run was stopped before its last steps (${scale.stopped}).`
        : '.'),
    '',
  );
  table(
    [
      'N',
      'connect (this step)',
      'CPU per connect: instances / Redis',
      `RSS of the ${scale.instances} instances`,
      'RSS / heap per stream',
      'idle: event-loop delay p99 / max',
      'idle: Redis CPU',
    ],
    scale.steps.map((s) => [
      k(s.connections),
      `${fix(s.connect.ms / 1000)} s (${fix(s.connect.perSec, 0)}/s${s.connect.retried ? `, ${s.connect.retried} retried after 503` : ''})`,
      `${fix(s.connect.instanceCpuUsPerConnect, 0)} / ${fix(s.connect.redisCpuUsPerConnect, 0)} µs`,
      `${fix(s.memory.rssMB, 0)} MB`,
      `${fix(s.memory.rssPerStreamBytes / 1024)} / ${fix(s.memory.heapPerStreamBytes / 1024)} KB`,
      `${fix(s.idle.eldP99Ms)} / ${fix(s.idle.eldMaxMs)} ms`,
      `${fix(s.idle.redisCpuShare * 100)} % of a core`,
    ]),
  );
  table(
    [
      'N',
      'broadcast: delivered',
      'CPU per delivered event (instances)',
      'latency p50 / p99 / p99.9',
      `sendToUser ×${m.userCalls}: delivered`,
      'CPU per delivered event (instances)',
      'Redis CPU per publish',
      'latency p50 / p99 / p99.9',
    ],
    scale.steps.map((s) => [
      k(s.connections),
      `${s.broadcast.delivered} / ${s.broadcast.expected}`,
      `${fix(s.broadcast.cpuUsPerEvent)} µs`,
      `${fix(s.broadcast.latencyMs.p50, 0)} / ${fix(s.broadcast.latencyMs.p99, 0)} / ${fix(s.broadcast.latencyMs.p999, 0)} ms`,
      `${s.unicast.delivered} / ${s.unicast.expected}`,
      `${fix(s.unicast.cpuUsPerEvent)} µs`,
      `${fix(s.unicast.redisCpuUsPerPublish)} µs`,
      `${fix(s.unicast.latencyMs.p50)} / ${fix(s.unicast.latencyMs.p99)} / ${fix(s.unicast.latencyMs.p999)} ms`,
    ]),
  );
  lines.push(
    `${scale.instances} library processes (\`writer: 'direct'\`, \`transport: { type: 'redis' }\`, default options otherwise) share the local Redis; ` +
      `${scale.loadGenerators} load generator processes deal the streams round-robin over them, from source addresses spread over 127.0.0.2–41, ` +
      'each stream with its own JWT (its own user) signed in the load generator. Nothing is pinned: instances, load generators and Redis share both cores. ' +
      'Each step adds streams up to N and keeps the earlier ones. Memory: RSS and heap summed over the instances after GC, minus the empty instances, divided by N. ' +
      `Idle: ${m.idleMs / 1000} s without traffic (one presence refresh falls in it); event-loop delay is the worst instance's. ` +
      `Then one broadcast from the first instance to all N, and ${m.userCalls} \`sendToUser\` calls at ${m.userRate}/s to users drawn at random; ` +
      "every stream records its latency from the message's publish time. CPU is summed over the instances over the window; Redis's from `INFO cpu`.",
    '',
  );
  return lines.join('\n');
}

/** The scenario's chart: memory, latency and the idle event loop against N. */
export function scaleChart(results, figure) {
  const steps = results.variants['L-scale']?.scale?.steps ?? [];
  const ns = steps.map((s) => s.connections);
  const line = (name, color, pick, dashed = false) => ({
    name,
    color,
    dashed,
    points: steps.map((s) => [s.connections, pick(s)]),
  });
  return figure({
    title: 'Many streams over several instances through Redis',
    subtitle: `${results.variants['L-scale']?.scale?.instances ?? '?'} instances and Redis on 2 cores; one broadcast to all N, then sendToUser to random users.`,
    panels: [
      {
        title: 'Memory per stream (instances summed)',
        yLabel: 'KB',
        xValues: ns,
        series: [
          line('RSS', '#009E73', (s) => s.memory.rssPerStreamBytes / 1024),
          line(
            'heap',
            '#009E73',
            (s) => s.memory.heapPerStreamBytes / 1024,
            true,
          ),
        ],
      },
      {
        title: 'Broadcast to all N: latency',
        yLabel: 'ms',
        xValues: ns,
        series: [
          line('p50', '#0072B2', (s) => s.broadcast.latencyMs.p50),
          line('p99', '#0072B2', (s) => s.broadcast.latencyMs.p99, true),
        ],
      },
      {
        title: 'Idle: event-loop delay, worst instance',
        yLabel: 'ms',
        xValues: ns,
        series: [
          line('p99', '#D55E00', (s) => s.idle.eldP99Ms),
          line('max', '#D55E00', (s) => s.idle.eldMaxMs, true),
        ],
      },
    ],
    legendItems: [
      { name: 'memory: RSS', color: '#009E73' },
      { name: 'heap', color: '#009E73', dashed: true },
      { name: 'latency: p50', color: '#0072B2' },
      { name: 'p99', color: '#0072B2', dashed: true },
      { name: 'delay: p99', color: '#D55E00' },
      { name: 'max', color: '#D55E00', dashed: true },
    ],
  });
}

export const SCALE_BEGIN =
  '<!-- bench:scale:begin (generated by `npm run bench` from a run with L-scale; edits inside are overwritten) -->';
export const SCALE_END = '<!-- bench:scale:end -->';

/** Replaces scenario 7's generated section of docs/BENCHMARKS.md (appended if missing). */
export function writeScaleSection(path, section) {
  const current = readFileSync(path, 'utf8');
  const block = `${SCALE_BEGIN}\n\n${section}\n${SCALE_END}`;
  const from = current.indexOf(SCALE_BEGIN);
  const to = current.indexOf(SCALE_END);
  writeFileSync(
    path,
    from === -1 || to === -1
      ? `${current.trimEnd()}\n\n${block}\n`
      : current.slice(0, from) + block + current.slice(to + SCALE_END.length),
  );
}
