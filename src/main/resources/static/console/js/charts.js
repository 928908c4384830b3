// Tiny SVG charts over time (bars, stacked bars, lines): no library, no inline styles, a <title> per mark.
import { h, fmtShortTime } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 200;
const M = { top: 10, right: 10, bottom: 24, left: 54 };

export const PALETTE = ['#2f6fb3', '#d9822b', '#7b4fb8', '#2e9e6a', '#c23c5a', '#8a8f18', '#1f9bb0', '#7a5c3c'];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= value) return m * p;
  return 10 * p;
}

/**
 * @param opts.title figure caption
 * @param opts.from,to the time axis (Date)
 * @param opts.kind 'bars' (stacked when several series) or 'lines'
 * @param opts.series [{name, color, points: [{t: Date, v: number|null, w?: ms width for bars}]}]
 * @param opts.format value formatter for axis and titles
 * @param opts.max fixed y maximum (e.g. 1 for rates)
 */
export function timeChart(opts) {
  const { title, from, to, kind, series, format = (v) => String(v), id } = opts;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const t0 = from.getTime();
  const span = Math.max(1, to.getTime() - t0);
  const x = (t) => M.left + ((t - t0) / span) * plotW;
  let top = 0;
  if (kind === 'bars') {
    const sums = new Map();
    for (const se of series) for (const p of se.points) sums.set(p.t.getTime(), (sums.get(p.t.getTime()) || 0) + (p.v || 0));
    top = Math.max(0, ...sums.values());
  } else {
    for (const se of series) for (const p of se.points) if (p.v !== null && p.v > top) top = p.v;
  }
  const yMax = opts.max ?? niceMax(Math.max(top, opts.minMax || 0));
  const y = (v) => M.top + plotH - (v / yMax) * plotH;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': opts.summary || title });
  for (const frac of [0, 0.5, 1]) {
    const yy = y(yMax * frac);
    svg.append(s('line', { x1: M.left, x2: W - M.right, y1: yy, y2: yy, class: frac === 0 ? 'axis' : 'grid' }));
    svg.append(s('text', { x: M.left - 6, y: yy + 4, 'text-anchor': 'end', class: 'tick' }, format(yMax * frac)));
  }
  const days = span > 20 * 3600e3;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (span * i) / 4;
    svg.append(s('text', { x: x(t), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle', class: 'tick' }, fmtShortTime(new Date(t), days)));
  }
  if (kind === 'bars') {
    const base = new Map();
    for (const se of series) {
      for (const p of se.points) {
        if (!p.v) continue;
        const key = p.t.getTime();
        const below = base.get(key) || 0;
        const x1 = x(key);
        const w = Math.max(1, x(key + p.w) - x1 - 1);
        svg.append(s('rect', { x: x1, width: w, y: y(below + p.v), height: Math.max(0.5, y(below) - y(below + p.v)), fill: se.color },
          s('title', {}, `${fmtShortTime(p.t, days)} ${se.name}: ${format(p.v)}`)));
        base.set(key, below + p.v);
      }
    }
  } else {
    for (const se of series) {
      let path = '';
      let pen = false;
      for (const p of se.points) {
        if (p.v === null || p.v === undefined) {
          pen = false;
          continue;
        }
        path += `${pen ? 'L' : 'M'}${x(p.t.getTime()).toFixed(1)},${y(p.v).toFixed(1)}`;
        pen = true;
        svg.append(s('circle', { cx: x(p.t.getTime()), cy: y(p.v), r: 2.5, fill: se.color }, s('title', {}, `${fmtShortTime(p.t, days)} ${se.name}: ${format(p.v)}`)));
      }
      if (path) svg.append(s('path', { d: path, stroke: se.color, fill: 'none', 'stroke-width': 2 }));
    }
  }
  const empty = series.every((se) => se.points.every((p) => (kind === 'bars' ? !p.v : p.v === null || p.v === undefined)));
  return h('figure', { className: 'chart-box', id },
    h('figcaption', {}, title),
    svg,
    empty ? h('p', { className: 'muted empty-note' }, 'No data in this window.') : null,
    series.length > 1 || opts.legend ? h('ul', { className: 'legend' }, series.map((se) => h('li', {},
      swatch(se.color), se.name))) : null);
}

function swatch(color) {
  return s('svg', { width: 10, height: 10, 'aria-hidden': 'true', class: 'swatch' }, s('rect', { width: 10, height: 10, fill: color }));
}
