// Line charts as standalone SVG, drawn from the results (no dependencies).

/** Okabe-Ito colours, readable for colour-blind readers. */
export const COLORS = {
  B0: '#555555',
  B1: '#E69F00',
  B2: '#CC79A7',
  'L-nest': '#56B4E9',
  'L-direct': '#009E73',
  'L-fastify': '#D55E00',
};

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value) {
  if (!(value > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (value <= m * exp) return m * exp;
  return 10 * exp;
}

const label = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
const num = (v) =>
  v >= 100
    ? v.toFixed(0)
    : v >= 10
      ? v.toFixed(1).replace(/\.0$/, '')
      : v.toFixed(2).replace(/\.?0+$/, '');

/**
 * One panel: x is the number of connections (linear), one line per series,
 * dashed lines for secondary series. Points with a null y are skipped. With
 * `log`, the y axis is logarithmic (powers of ten), for series that differ
 * by orders of magnitude.
 */
function panel({
  x0,
  y0,
  width,
  height,
  title,
  yLabel,
  xValues,
  series,
  log = false,
}) {
  const out = [];
  const ys = series
    .flatMap((s) => s.points.map((p) => p[1]))
    .filter((v) => v != null && Number.isFinite(v) && (!log || v > 0));
  const xMin = 0;
  const xMax = Math.max(...xValues) * 1.05;
  const sx = (x) => x0 + ((x - xMin) / (xMax - xMin)) * width;
  let sy;
  let ticks;
  if (log) {
    const lo = Math.floor(Math.log10(Math.min(...ys)));
    const hi = Math.ceil(Math.log10(Math.max(...ys)));
    sy = (y) =>
      y0 + height - ((Math.log10(y) - lo) / Math.max(1, hi - lo)) * height;
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    const yMax = niceMax(Math.max(...ys, 0) * 1.05);
    sy = (y) => y0 + height - (y / yMax) * height;
    ticks = Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  }
  out.push(
    `<text x="${x0 + width / 2}" y="${y0 - 14}" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`,
  );
  for (const y of ticks) {
    out.push(
      `<line x1="${x0}" x2="${x0 + width}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e5e5"/>`,
      `<text x="${x0 - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11" fill="#444">${num(y)}</text>`,
    );
  }
  for (const x of xValues) {
    out.push(
      `<line x1="${sx(x)}" x2="${sx(x)}" y1="${y0 + height}" y2="${y0 + height + 4}" stroke="#444"/>`,
      `<text x="${sx(x)}" y="${y0 + height + 17}" text-anchor="middle" font-size="11" fill="#444">${label(x)}</text>`,
    );
  }
  out.push(
    `<line x1="${x0}" x2="${x0 + width}" y1="${y0 + height}" y2="${y0 + height}" stroke="#444"/>`,
    `<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + height}" stroke="#444"/>`,
    `<text x="${x0 + width / 2}" y="${y0 + height + 34}" text-anchor="middle" font-size="12">connections (N)</text>`,
    `<text transform="translate(${x0 - 40} ${y0 + height / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
  );
  for (const s of series) {
    const pts = s.points.filter(
      (p) => p[1] != null && Number.isFinite(p[1]) && (!log || p[1] > 0),
    );
    if (pts.length === 0) continue;
    const d = pts
      .map(
        (p, i) =>
          `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`,
      )
      .join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      ...pts.map(
        (p) =>
          `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3.2" fill="${s.dashed ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"><title>${esc(`${s.name}: N=${label(p[0])}, ${num(p[1])}`)}</title></circle>`,
      ),
    );
  }
  return out.join('\n');
}

function legend(x, y, items) {
  return items
    .map(
      (it, i) =>
        `<line x1="${x + i * 130}" x2="${x + i * 130 + 22}" y1="${y}" y2="${y}" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 4"' : ''}/>` +
        `<text x="${x + i * 130 + 28}" y="${y + 4}" font-size="12">${esc(it.name)}</text>`,
    )
    .join('\n');
}

/** A figure of side-by-side panels sharing one legend. */
export function figure({ title, subtitle, panels, legendItems }) {
  const pw = 360;
  const ph = 250;
  const width = 90 + panels.length * (pw + 90);
  const height = ph + 170;
  const body = panels
    .map((p, i) =>
      panel({ ...p, x0: 75 + i * (pw + 90), y0: 82, width: pw, height: ph }),
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="22" font-size="15" font-weight="700">${esc(title)}</text>`,
    subtitle
      ? `<text x="20" y="40" font-size="11" fill="#555">${esc(subtitle)}</text>`
      : '',
    body,
    legend(75, height - 22, legendItems),
    '</svg>',
    '',
  ].join('\n');
}
