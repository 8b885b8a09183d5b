// DOM helpers of the mlplane console: element builder, flash messages, status badges, ages, focus keeping.

/**
 * h builds an element. attrs are set with setAttribute, except `text`
 * (textContent) and `on` ({event: handler}); null/undefined/false are
 * skipped, true sets an empty attribute. Children are nodes or strings
 * (appended as text nodes, never parsed), arrays are flattened, null skipped.
 */
export function h(tag, attrs = null, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// flash shows one message in #flash (role=alert); kind is info, success or error.
export function flash(message, kind = 'info') {
  const box = document.getElementById('flash');
  box.className = message ? kind : '';
  box.textContent = message ?? '';
}

export function flashError(context, err) {
  flash(context ? `${context}: ${err.message}` : err.message, 'error');
}

// tone maps a phase (or Ready value) to the colour of its badge.
function tone(phase) {
  const p = String(phase).split(':')[0];
  if (['Running', 'Succeeded', 'Complete', 'True'].includes(p)) return 'ok';
  if (['Failed', 'Error', 'False'].includes(p)) return 'bad';
  if (['Waiting', 'Restarting', 'Terminating', 'Created', 'Pending'].includes(p)) return 'warn';
  return 'neutral';
}

export function badge(text) {
  const label = text || 'Unknown';
  return h('span', { class: `badge ${tone(label)}`, text: label });
}

// reasonDiv shows why a row is not fine ("reason: message"), or nothing.
export function reasonDiv(row) {
  const text = [row.reason, row.message].filter(Boolean).join(': ');
  return text ? h('div', { class: 'reason', text }) : null;
}

// age is the short relative time since ts: 5s, 3m, 2h, 4d.
export function age(ts, now = Date.now()) {
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

// timeAgo is a <time> showing age(ts); refreshAges keeps all of them current.
export function timeAgo(ts) {
  if (!ts) return null;
  return h('time', { datetime: ts, title: ts, 'data-age': '' }, age(ts));
}

export function refreshAges() {
  for (const t of document.querySelectorAll('time[data-age]')) {
    t.textContent = age(t.getAttribute('datetime'));
  }
}

// keepFocus runs render, which rebuilds part of root, and gives the keyboard
// focus back to the equivalent control when it was inside root (or to the
// first action of the same row, e.g. "Start" after "Stop").
export function keepFocus(root, render) {
  const active = document.activeElement;
  const selectors = active && root.contains(active) ? focusSelectors(active) : [];
  render();
  if (root.contains(document.activeElement)) return;
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (el) {
      el.focus();
      return;
    }
  }
}

function focusSelectors(el) {
  const own = ['data-action', 'data-canary', 'data-pod', 'href']
    .filter((a) => el.hasAttribute(a))
    .map((a) => `[${a}="${CSS.escape(el.getAttribute(a))}"]`)
    .join('');
  const row = el.closest('tr[data-key]');
  const scope = row ? `tr[data-key="${CSS.escape(row.dataset.key)}"] ` : '';
  const selectors = own ? [`${scope}${el.localName}${own}`] : [];
  if (row) selectors.push(`${scope}button`);
  return selectors;
}

// dataTable builds a table with a hidden caption and column headers.
export function dataTable(id, caption, headers) {
  const tbody = h('tbody');
  const table = h('table', { id, class: 'data' },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col', text: t })))),
    tbody);
  return { table, tbody };
}

// placeholderRow is the single row of an empty or loading table.
export function placeholderRow(columns, text) {
  return h('tr', { class: 'placeholder' }, h('td', { colspan: columns, text }));
}

// scrollBox wraps a wide table so that it scrolls on its own (and by keyboard).
export function scrollBox(table, label) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}
