/**
 * A small, hand-written accessibility check run inside the page (a subset of what axe-core
 * checks; axe-core is MPL-2.0 and not installed): one h1, no skipped heading level, main and
 * navigation landmarks, lang, a title, every table with header cells and each th with a scope,
 * every link and button with a name, every form control with a label, no positive tabindex,
 * unique ids. Returns the list of violations (empty = pass).
 */
export const A11Y_CHECK = `(() => {
  const v = [];
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) v.push('expected exactly one h1, found ' + h1.length);
  let last = 0;
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) v.push('heading level skipped: ' + h.tagName + ' after h' + last + ' (' + h.textContent.trim().slice(0, 40) + ')');
    last = level;
  }
  if (!document.querySelector('main')) v.push('no main landmark');
  if (!document.querySelector('nav')) v.push('no navigation landmark');
  if (!document.documentElement.lang) v.push('html has no lang');
  if (!document.title.trim()) v.push('empty title');
  for (const t of document.querySelectorAll('table')) {
    if (!t.querySelector('th')) v.push('table without header cells');
    for (const th of t.querySelectorAll('th')) if (!th.getAttribute('scope')) v.push('th without scope: ' + th.textContent.trim().slice(0, 30));
  }
  for (const a of document.querySelectorAll('a[href],button')) {
    const name = (a.getAttribute('aria-label') || a.textContent || '').trim();
    if (!name) v.push(a.tagName.toLowerCase() + ' without an accessible name: ' + a.outerHTML.slice(0, 80));
  }
  for (const c of document.querySelectorAll('input,select,textarea')) {
    const labelled = (c.id && document.querySelector('label[for="' + c.id + '"]')) || c.closest('label') || c.getAttribute('aria-label');
    if (!labelled) v.push('form control without label: ' + c.outerHTML.slice(0, 80));
  }
  for (const e of document.querySelectorAll('[tabindex]')) if (Number(e.getAttribute('tabindex')) > 0) v.push('positive tabindex');
  const ids = new Set();
  for (const e of document.querySelectorAll('[id]')) { if (ids.has(e.id)) v.push('duplicate id ' + e.id); ids.add(e.id); }
  return v;
})()`;
