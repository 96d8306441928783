// What the page shows of a finished request: errors grouped by code (read from the downloaded output), the duplicate
// groups as a table and a bar chart of their sizes, and small formatting helpers.

import { csvRows } from './csv.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Records per error code in an output (default columns errorCode/errorMessage), as
 * `[{ code, count, message }]`, most frequent first; null when the output has no such columns.
 */
export function errorsByCode(text, output) {
  const rows = output === 'csv' ? csvObjects(text) : output === 'ndjson' ? ndjsonObjects(text) : jsonObjects(text);
  if (!rows || !rows.length || !rows.some((r) => r && 'errorCode' in r)) return null;
  const byCode = new Map();
  for (const row of rows) {
    const code = row?.errorCode;
    if (!code) continue;
    const entry = byCode.get(code) ?? { code, count: 0, message: row.errorMessage ?? '' };
    entry.count++;
    byCode.set(code, entry);
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

function jsonObjects(text) {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function ndjsonObjects(text) {
  try {
    return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch {
    return null;
  }
}

/** Rows of a CSV text with a header row, as objects (RFC 4180 quoting). */
export function csvObjects(text) {
  const [header, ...body] = csvRows(text);
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/**
 * A bar chart of group sizes: one bar per size (2, 3, 4…), its height the number of groups of that size.
 * An SVG with a text alternative; colours come from the stylesheet.
 */
export function sizeChart(groups) {
  const bySize = new Map();
  for (const g of groups) bySize.set(g.count, (bySize.get(g.count) ?? 0) + 1);
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const most = Math.max(...bySize.values());
  const barW = 40;
  const gap = 16;
  const chartH = 120;
  const width = sizes.length * (barW + gap) + gap;
  const height = chartH + 44;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(Math.min(width, 640)));
  svg.setAttribute('role', 'img');
  const summary = sizes.map((s) => `${bySize.get(s)} group${bySize.get(s) === 1 ? '' : 's'} of ${s}`).join(', ');
  svg.setAttribute('aria-label', `Duplicate groups by size: ${summary}`);
  svg.classList.add('chart');
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  svgEl('title', {}, `Duplicate groups by size: ${summary}`);
  svgEl('line', { x1: 0, y1: chartH + 16, x2: width, y2: chartH + 16, class: 'axis' });
  sizes.forEach((size, i) => {
    const n = bySize.get(size);
    const h = Math.max(2, Math.round((n / most) * chartH));
    const x = gap + i * (barW + gap);
    svgEl('rect', { x, y: chartH + 16 - h, width: barW, height: h, class: 'bar' });
    svgEl('text', { x: x + barW / 2, y: chartH + 12 - h, 'text-anchor': 'middle', class: 'value' }, String(n));
    svgEl('text', { x: x + barW / 2, y: chartH + 34, 'text-anchor': 'middle', class: 'tick' }, `×${size}`);
  });
  return svg;
}

/** "12.5 rec/s" */
export function rateText(perSecond) {
  if (!(perSecond > 0)) return '–';
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)} rec/s`;
}

/** "about 3 min" */
export function durationText(ms) {
  if (!(ms >= 0) || !Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${Math.max(1, s)} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `about ${m} min`;
  return `about ${(m / 60).toFixed(1)} h`;
}

export function timeText(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
