/**
 * The fragment timeline of a stream page: the fragments ListFragments returned for a time window,
 * merged into covered spans, drawn as bars with the gaps between them left empty, and a click
 * handler that turns a position into a timestamp. Knows nothing about players or APIs.
 */
import type { Fragment } from './api.js';
import { clock, h } from './dom.js';

/** Fragments closer than this are drawn as one span (a gap shorter than a frame is no gap). */
const GAP_MS = 1500;

export interface Span {
  startMs: number;
  endMs: number;
}

export function spansOf(fragments: Fragment[]): Span[] {
  const spans: Span[] = [];
  for (const f of fragments) {
    const startMs = f.ServerTimestamp * 1000;
    const endMs = startMs + Math.max(f.FragmentLengthInMilliseconds, 1);
    const last = spans.at(-1);
    if (last && startMs - last.endMs <= GAP_MS) last.endMs = Math.max(last.endMs, endMs);
    else spans.push({ startMs, endMs });
  }
  return spans;
}

export function renderTimeline(
  fragments: Fragment[],
  fromMs: number,
  toMs: number,
  onPick: (ms: number) => void,
): HTMLElement {
  const spans = spansOf(fragments);
  const width = toMs - fromMs;
  const pct = (ms: number): string => `${(((ms - fromMs) / width) * 100).toFixed(3)}%`;
  const bar = h('div', { class: 'bar', title: 'click to play from here' });
  for (const s of spans) {
    const el = h('div', { class: 'span', title: `${clock(s.startMs)} – ${clock(s.endMs)}` });
    el.style.left = pct(Math.max(s.startMs, fromMs));
    el.style.width = `max(2px, ${(((Math.min(s.endMs, toMs) - Math.max(s.startMs, fromMs)) / width) * 100).toFixed(3)}%)`;
    bar.append(el);
  }
  const cursor = h('div', { class: 'cursor' });
  bar.append(cursor);
  bar.addEventListener('click', (e) => {
    const rect = bar.getBoundingClientRect();
    const ms = fromMs + ((e.clientX - rect.left) / rect.width) * width;
    cursor.style.left = pct(ms);
    onPick(Math.round(ms));
  });
  const ticks = h('div', { class: 'ticks' });
  for (let i = 0; i <= 4; i++) {
    const t = h('span', {}, clock(fromMs + (width * i) / 4).slice(11));
    t.style.left = `${i * 25}%`;
    ticks.append(t);
  }
  const gaps = Math.max(0, spans.length - 1);
  const stored = fragments.reduce((n, f) => n + f.FragmentLengthInMilliseconds, 0) / 1000;
  return h(
    'div',
    {
      class: 'timeline',
      'data-fragments': String(fragments.length),
      'data-gaps': String(gaps),
    },
    bar,
    ticks,
    h(
      'p',
      { class: 'legend' },
      `${fragments.length} fragment(s), ${stored.toFixed(1)} s stored, ${gaps} gap(s) in this window`,
    ),
  );
}
