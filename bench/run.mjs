// npm run bench [-- --quick] [--only=B0,L-direct] [--docs | --no-docs] [--idle-only]
// npm run bench -- --report=bench/results/<file>.json   (re-render the docs only)
//
// Builds the servers, then measures every variant in turn, each in its own
// server process with its own load generator processes, on the same
// scenarios, clients and payloads. Writes bench/results/<date>.json and, for
// a full run, the charts in docs/bench/ and the tables of docs/BENCHMARKS.md.
// See docs/BENCHMARKS.md for the method.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServers } from './harness/build.mjs';
import { COLORS, figure } from './harness/chart.mjs';
import { MODES, VARIANTS } from './harness/config.mjs';
import { environment } from './harness/environment.mjs';
import { BUILD_DIR, DOCS_DIR, RESULTS_DIR } from './harness/paths.mjs';
import { markdown, summarize, writeBenchmarksDoc } from './harness/report.mjs';
import { openBenchRedis } from './harness/redis.mjs';
import { Rig, sleep } from './harness/rig.mjs';
import {
  atScale,
  deadline,
  scaleChart,
  scaleMarkdown,
  writeScaleSection,
} from './harness/scale.mjs';
import {
  broadcastLadder,
  churn,
  fmt,
  measureIdle,
  overRedis,
  slowConsumers,
  unicast,
} from './harness/scenarios.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) =>
  argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

const modeName = flag('quick') ? 'quick' : 'full';
const mode = MODES[modeName];
const only = option('only')?.split(',');
const variants = VARIANTS.filter((v) => !only || only.includes(v.id));
const writeDocs =
  flag('docs') ||
  (modeName === 'full' && !flag('no-docs') && !only && !flag('idle-only'));
/** Scenario 7 has its own section: a full run that includes it rewrites it, even with --only. */
const writeScaleDocs =
  flag('docs') || (modeName === 'full' && !flag('no-docs'));
const startedAt = Date.now();
const log = (line) => console.log(line);

/**
 * Scenario 7: several instances through Redis, several load generators,
 * every connection sampled for latency. Stops by itself after
 * `mode.scale.maxMs` and releases the processes and the Redis keys.
 */
async function runAtScale(variant, logDir, log) {
  const scale = mode.scale;
  const redis = await openBenchRedis(log);
  if (!redis) return { skipped: 'Redis unreachable' };
  let rig;
  /** Filled step by step: what was measured survives a failure or the deadline. */
  const out = {};
  const limit = deadline(scale.maxMs, `${variant.id}`);
  try {
    const run = async () => {
      rig = await Rig.start(
        variant,
        mode,
        logDir,
        [`--redis-url=${redis.url}`, `--redis-prefix=${redis.prefix}`],
        {
          instances: scale.instances,
          loadGenerators: scale.loadGenerators,
          pin: false,
          sampleEvery: 1,
        },
      );
      log(
        `  scenario 7 on Redis ${await redis.version()}: ${scale.instances} instances, ${scale.loadGenerators} load generators, N = ${scale.steps.join(', ')}`,
      );
      // Warm-up, as for the other variants, then the empty servers' baseline.
      await rig.connectTo(100 * scale.instances);
      await rig.server.call('publish', {
        kind: 'broadcast',
        rate: 200,
        durationMs: 300,
        payloadBytes: scale.payloadBytes,
      });
      await rig.closeDownTo(0);
      await sleep(500);
      const baseline = await rig.usage(true);
      return atScale(rig, mode, log, redis, baseline, out);
    };
    return { scale: await Promise.race([run(), limit.promise]) };
  } catch (err) {
    if (!out.steps?.length) throw err;
    log(`  stopped: ${err.message}`);
    return { scale: { ...out, stopped: String(err.message) } };
  } finally {
    limit.clear();
    await rig?.stop();
    await redis.close();
  }
}

async function runVariant(variant, logDir) {
  const t0 = Date.now();
  const log = (line) =>
    console.log(`${line}  [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
  if (variant.scenarios === 'scale') return runAtScale(variant, logDir, log);
  const redis =
    variant.scenarios === 'redis' ? await openBenchRedis(log) : undefined;
  if (variant.scenarios === 'redis' && !redis)
    return { skipped: 'Redis unreachable' };
  const rig = await Rig.start(
    variant,
    mode,
    logDir,
    redis ? [`--redis-url=${redis.url}`, `--redis-prefix=${redis.prefix}`] : [],
  );
  try {
    // Warm-up: code paths compiled, lazy structures created, then all closed.
    await rig.connectTo(100);
    await rig.server.call('publish', {
      kind: 'broadcast',
      rate: 500,
      durationMs: 300,
      payloadBytes: mode.payloadBytes,
    });
    await rig.server.call('publish', {
      kind: 'user',
      rate: 500,
      durationMs: 200,
      payloadBytes: mode.payloadBytes,
      users: 100,
    });
    await rig.closeDownTo(0);
    await sleep(300);
    const baseline = await rig.usage(true);
    if (redis) {
      // Scenario 6 only; L-direct's run measured the same windows on one instance.
      log(
        `  scenario 6 on Redis ${await redis.version()}, N=${mode.redis.connections}`,
      );
      return { redis: await overRedis(rig, mode, log, redis) };
    }
    const result = {
      baseline: { heapUsed: baseline.heapUsed, rss: baseline.rss },
      idle: [],
      ladder: [],
    };

    // Scenario 1 first, before any traffic has grown the heap or the
    // allocator's arenas: idle memory per connection at every N.
    for (const n of [...mode.ladder, ...mode.idleOnly]) {
      const connect = await rig.connectTo(n);
      const idle = await measureIdle(rig, n, baseline, mode);
      log(
        `  N=${n} idle: connected in ${(connect.ms / 1000).toFixed(1)} s; ${fmt(idle.rssPerConnBytes / 1024)} KB RSS, ` +
          `${fmt(idle.heapPerConnBytes / 1024)} KB heap per connection, event-loop p99 ${idle.eldP99Ms} ms`,
      );
      result.idle.push({ connections: n, connect, ...idle });
    }
    // --idle-only: memory per idle connection alone (scenario 1).
    if (flag('idle-only')) return result;
    await rig.closeDownTo(mode.ladder[0]);

    // Scenarios 2 and 3 at each N.
    for (const n of mode.ladder) {
      await rig.connectTo(n);
      log(`  N=${n}`);
      const broadcast = await broadcastLadder(rig, n, mode, log);
      const uni = await unicast(rig, n, mode, log);
      result.ladder.push({ connections: n, broadcast, unicast: uni });
    }

    await rig.closeDownTo(mode.churn.connections);
    await rig.connectTo(mode.churn.connections);
    result.churn = await churn(rig, mode, log);
    result.slow = await slowConsumers(rig, mode, log);
    if (variant.redisBaseline) {
      log(
        `  scenario 6 baseline (one instance, memory), N=${mode.redis.connections}`,
      );
      result.redis = await overRedis(rig, mode, log);
    }
    return result;
  } finally {
    await rig.stop();
    await redis?.close();
  }
}

function charts(summary) {
  const ids = Object.keys(summary.variants);
  const V = summary.variants;
  const legendItems = ids.map((id) => ({
    name: id,
    color: COLORS[id] ?? '#000',
  }));
  /** One panel: a line per variant of `pick(variant summary, n)` over `ns`. */
  const panel = (title, yLabel, ns, pick, extra = {}) => ({
    title,
    yLabel,
    xValues: ns,
    ...extra,
    series: ids.map((id) => ({
      name: id,
      color: COLORS[id] ?? '#000',
      points: ns.map((n) => [n, pick(V[id], n)]),
    })),
  });
  const files = [];
  const add = (file, title, svg) => {
    writeFileSync(join(DOCS_DIR, 'bench', file), svg);
    files.push({ file, title });
  };
  const ref = `${summary.referenceRate / 1000}k`;
  add(
    'cpu-latency.svg',
    'CPU per delivered event and latency against N',
    figure({
      title: `Broadcast at ${ref} delivered events/s: CPU per event and latency against N`,
      subtitle:
        'Server CPU time (user + system) per event the clients received; latency from intended publish time to read, sampled connections.',
      panels: [
        panel(
          'CPU per delivered event',
          'µs',
          summary.ladder,
          (v, n) => v.cpuPerEvent[n].us,
        ),
        panel('Latency p99', 'ms', summary.ladder, (v, n) => v.latency[n]?.p99),
        panel('Latency p50', 'ms', summary.ladder, (v, n) => v.latency[n]?.p50),
      ],
      legendItems,
    }),
  );
  add(
    'memory-unicast.svg',
    'Memory per idle connection and sendToUser cost against N',
    figure({
      title: 'Memory per idle connection and cost of one sendToUser against N',
      subtitle:
        'Memory: growth over the empty server after GC, divided by N. sendToUser: server CPU per call in bursts of back-to-back calls.',
      panels: [
        panel(
          'RSS per idle connection',
          'KB',
          summary.idleN,
          (v, n) => v.idle[n]?.rssKB,
        ),
        panel(
          'Heap per idle connection',
          'KB',
          summary.idleN,
          (v, n) => v.idle[n]?.heapKB,
        ),
        panel(
          'CPU per sendToUser (log scale)',
          'µs',
          summary.ladder,
          (v, n) => v.unicast[n].us,
          { log: true },
        ),
      ],
      legendItems,
    }),
  );
  return files;
}

async function main() {
  log(
    `SSE benchmark, ${modeName} mode: ${variants.map((v) => v.id).join(', ')}`,
  );
  const env = environment();
  log(
    `  ${env.cpuModel}, ${env.cores} cores, Node ${env.node}, open files ${env.fdLimitPerProcess} per process`,
  );
  if (
    env.fdLimitPerProcess <
    Math.max(...mode.ladder, ...mode.idleOnly) + 100
  ) {
    throw new Error(
      `open-files limit ${env.fdLimitPerProcess} is too low for ${Math.max(...mode.ladder, ...mode.idleOnly)} connections`,
    );
  }
  log('building servers (tsc) ...');
  const build = buildServers(log);
  const date = new Date().toISOString().slice(0, 10);
  const file = `${date}${modeName === 'quick' ? '-quick' : ''}${flag('idle-only') ? '-idle' : ''}${only ? `-${only.join('+')}` : ''}.json`;
  const logDir = join(
    BUILD_DIR,
    'logs',
    new Date().toISOString().replace(/[:.]/g, '-'),
  );
  const results = {
    date,
    file,
    modeName,
    mode,
    environment: env,
    build,
    logDir,
    variants: {},
  };

  for (const variant of variants) {
    log(`${variant.id} (${variant.label})`);
    const started = Date.now();
    try {
      results.variants[variant.id] = await runVariant(variant, logDir);
    } catch (err) {
      log(`  FAILED: ${err.stack ?? err}`);
      results.variants[variant.id] = { error: String(err.stack ?? err) };
    }
    log(
      `  ${variant.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  results.durationMs = Date.now() - startedAt;
  results.summary = summarize(results);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, file);
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
  log(`results: ${out}`);
  if (writeDocs && Object.values(results.variants).some((v) => v.ladder))
    render(results);
  if (writeScaleDocs && results.variants['L-scale']?.scale)
    renderScale(results);
  log('');
  for (const t of results.summary.targets)
    log(`${t.pass ? 'MET    ' : 'NOT MET'}  ${t.target}: ${t.measured}`);
  log(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  if (Object.values(results.variants).some((v) => v.error))
    process.exitCode = 1;
}

/** Writes the charts and the generated section of docs/BENCHMARKS.md. */
function render(results) {
  mkdirSync(join(DOCS_DIR, 'bench'), { recursive: true });
  const files = charts(results.summary);
  writeBenchmarksDoc(
    join(DOCS_DIR, 'BENCHMARKS.md'),
    markdown(results, results.summary, files),
  );
  log(
    `docs: docs/BENCHMARKS.md, ${files.map((f) => `docs/bench/${f.file}`).join(', ')}`,
  );
}

/** Writes scenario 7's chart and its section of docs/BENCHMARKS.md. */
function renderScale(results) {
  mkdirSync(join(DOCS_DIR, 'bench'), { recursive: true });
  const file = 'scale.svg';
  writeFileSync(join(DOCS_DIR, 'bench', file), scaleChart(results, figure));
  writeScaleSection(
    join(DOCS_DIR, 'BENCHMARKS.md'),
    scaleMarkdown(results, file),
  );
  log(`docs: docs/BENCHMARKS.md (scenario 7), docs/bench/${file}`);
}

const reportOnly = option('report');
if (reportOnly) {
  const results = JSON.parse(readFileSync(reportOnly, 'utf8'));
  // A results file renders the sections it has data for.
  if (Object.values(results.variants).some((v) => v.ladder)) {
    results.summary = summarize(results);
    render(results);
  }
  if (results.variants['L-scale']?.scale) renderScale(results);
} else {
  await main();
}
