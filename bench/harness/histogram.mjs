// A log-linear histogram in the manner of HdrHistogram: exact below 256,
// then 128 sub-buckets per power of two (under 0.8 % relative error), up to
// 2^31. Values are integers in the caller's unit (microseconds here).
// Histograms from several processes merge by adding their counts.

const SUB = 128;
const LINEAR = 2 * SUB;
const BUCKETS = LINEAR + 24 * SUB;
const MAX = 2 ** 31 - 1;

function indexOf(value) {
  if (value < LINEAR) return value;
  const shift = 31 - Math.clz32(value) - 7;
  return shift * SUB + (value >>> shift);
}

/** The highest value that falls into bucket `index`: percentiles never understate. */
function highestOf(index) {
  if (index < LINEAR) return index;
  const shift = Math.floor(index / SUB) - 1;
  const mantissa = index - shift * SUB;
  return (mantissa + 1) * 2 ** shift - 1;
}

export class LogHistogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.total = 0;
    this.max = 0;
    this.sum = 0;
  }

  record(value) {
    const v = Math.min(MAX, Math.max(0, Math.round(value)));
    this.counts[indexOf(v)]++;
    this.total++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** The value at percentile `p` (0-100), or undefined when empty. */
  percentile(p) {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(highestOf(i), this.max);
    }
    return this.max;
  }

  get mean() {
    return this.total === 0 ? undefined : this.sum / this.total;
  }

  add(other) {
    const h =
      other instanceof LogHistogram ? other : LogHistogram.fromJSON(other);
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += h.counts[i];
    this.total += h.total;
    this.sum += h.sum;
    this.max = Math.max(this.max, h.max);
    return this;
  }

  /** Sparse form for IPC and the results file: [[bucket, count], ...]. */
  toJSON() {
    const buckets = [];
    for (let i = 0; i < BUCKETS; i++)
      if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { total: this.total, sum: this.sum, max: this.max, buckets };
  }

  static fromJSON(json) {
    const h = new LogHistogram();
    for (const [i, c] of json.buckets) h.counts[i] = c;
    h.total = json.total;
    h.sum = json.sum;
    h.max = json.max;
    return h;
  }
}
