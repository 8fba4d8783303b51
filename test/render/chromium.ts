/**
 * Headless system Chromium (Debian `chromium`) driven by playwright-core, for render tests.
 *
 * Locally, without Chromium, the render tests skip and say why. In CI (`CI=true`) a missing
 * Chromium fails them: `.ci/run` installs it, so its absence is a broken pipeline, not a skip.
 */
import { findChromium, launchChromium } from '../../lib/support/chromium';

// One launcher for every art32 Chromium (sandboxed unless root): lib/support/chromium.ts.
export { launchChromium };

/** The Chromium binary, or undefined (then `SKIP_REASON` says why) — throws in CI. */
export function chromiumPath(): string | undefined {
  const path = findChromium();
  if (!path && process.env.CI === 'true') throw new Error('CI=true but no chromium: .ci/run must install the Debian package chromium (render tests cannot be skipped in CI)');
  return path;
}

export const SKIP_REASON = 'render tests skipped: no chromium (install the Debian package chromium, or set CHROMIUM_PATH); in CI they run';

export interface LayoutIssues {
  scrollWidth: number;
  clientWidth: number;
  /** Pairs of text boxes that overlap (text of each). */
  overlaps: [string, string][];
  /** Words of 3+ letters or digits split across two lines (a mid-token break). */
  brokenWords: string[];
  /** Text runs whose colour contrast against their background is under 4.5:1. */
  lowContrast: { text: string; ratio: number }[];
  headings: Record<string, number>;
  tableHeaders: number;
}

/** Measured in the page: overflow, overlapping text boxes (per text node), contrast, headings. */
export const MEASURE_LAYOUT = `(() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push({ r, node: n });
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.node === b.node) continue;
    const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (x > 1 && y > 1) overlaps.push([a.node.textContent.slice(0, 40), b.node.textContent.slice(0, 40)]);
  }
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); } return [255, 255, 255]; };
  const lowContrast = [];
  const seen = new Set();
  for (const { node } of boxes) {
    const el = node.parentElement; if (!el || seen.has(el)) continue; seen.add(el);
    const l1 = lum(rgb(getComputedStyle(el).color).slice(0, 3)), l2 = lum(bgOf(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) lowContrast.push({ text: node.textContent.slice(0, 40), ratio: Math.round(ratio * 100) / 100 });
  }
  // Words broken across lines (a mid-token break): a word of 3+ letters whose range has 2+ line boxes.
  const brokenWords = [];
  const w2 = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w2.nextNode(); n; n = w2.nextNode()) {
    // Up to 30: a longer unbroken name (an IAM user may have 64 characters) cannot fit a phone line.
    const re = /(?<![\\p{L}\\p{N}])[\\p{L}\\p{N}]{3,30}(?![\\p{L}\\p{N}])/gu;
    for (let m = re.exec(n.textContent); m; m = re.exec(n.textContent)) {
      const range = document.createRange();
      range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) brokenWords.push(m[0]);
    }
  }
  const headings = {};
  for (const h of document.querySelectorAll('h1,h2,h3,h4')) headings[h.tagName] = (headings[h.tagName] || 0) + 1;
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, overlaps: overlaps.slice(0, 20), brokenWords: brokenWords.slice(0, 20), lowContrast: lowContrast.slice(0, 20), headings, tableHeaders: document.querySelectorAll('th[scope]').length };
})()`;
