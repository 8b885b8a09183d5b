// The detail view of one object: status, conditions, pods and their logs, events and the YAML.
import { h, badge, reasonDiv, timeAgo, keepFocus, flashError, dataTable, placeholderRow, scrollBox } from './dom.js';
import { state, SECTIONS, apiPath, hashFor } from './state.js';
import { getJSON, getText } from './api.js';

// The open detail view: {resource, name, root, els, pod, timer}; null when none.
let current = null;

export function closeDetail() {
  if (current) clearTimeout(current.timer);
  current = null;
}

// renderDetail shows the skeleton of the detail view of resource/name and loads it.
export function renderDetail(main, resource, name) {
  closeDetail();
  const conditions = dataTable('detail-conditions', 'Conditions', ['Type', 'Status', 'Reason', 'Message', 'Last transition']);
  const pods = dataTable('detail-pods', 'Pods', ['Name', 'Phase', 'Node', 'Restarts', 'Reason']);
  const events = dataTable('detail-events', 'Events', ['Type', 'Reason', 'Message', 'Count', 'Last seen', 'Object']);
  pods.table.addEventListener('click', (ev) => {
    const button = ev.target.closest('button[data-pod]');
    if (button) loadLog(button.dataset.pod);
  });
  const els = {
    kind: h('span', { class: 'kind', text: resource }),
    status: h('div', { class: 'detail-status' }),
    notice: h('p', { class: 'notice', role: 'status' }),
    notes: h('ul', { class: 'notes' }),
    conditions: conditions.tbody,
    pods: pods.tbody,
    logTitle: h('h2', { id: 'detail-log-title', text: 'Log' }),
    logHint: h('p', { class: 'hint', text: 'Choose a pod to see the end of its log.' }),
    log: h('pre', { id: 'detail-log', class: 'log', tabindex: '0', 'aria-labelledby': 'detail-log-title' }),
    events: events.tbody,
    yaml: h('pre', { id: 'detail-yaml', class: 'yaml', tabindex: '0', 'aria-labelledby': 'detail-yaml-title' }),
  };
  const root = h('section', { id: 'detail', 'aria-labelledby': 'detail-title' },
    h('a', { class: 'back', href: hashFor(state.ns, state.section) }, `← Back to ${SECTIONS[state.section]}`),
    h('h1', { id: 'detail-title', tabindex: '-1' }, els.kind, ' ', h('span', { class: 'name', text: name })),
    els.status,
    els.notice,
    els.notes,
    h('h2', { text: 'Conditions' }), scrollBox(conditions.table, 'Conditions'),
    h('h2', { text: 'Pods' }), scrollBox(pods.table, 'Pods'),
    els.logTitle, els.logHint, els.log,
    h('h2', { text: 'Events' }), scrollBox(events.table, 'Events'),
    h('h2', { id: 'detail-yaml-title', text: 'YAML' }), els.yaml);
  main.replaceChildren(root);
  current = { resource, name, root, els, pod: '', timer: 0 };
  loadDetail(current);
}

// isShown tells whether the detail view shows resource/name.
export function isShown(resource, name) {
  return current != null && current.resource === resource && current.name === name;
}

// refreshSoon reloads the detail view after a burst of watch events.
export function refreshSoon() {
  if (!current) return;
  clearTimeout(current.timer);
  const view = current;
  view.timer = setTimeout(() => loadDetail(view), 300);
}

// markDeleted tells the user that the object shown is gone.
export function markDeleted() {
  if (current) current.els.notice.textContent = `This ${current.els.kind.textContent} was deleted.`;
}

async function loadDetail(view) {
  let body;
  try {
    body = await getJSON(apiPath('objects', view.resource, view.name));
  } catch (err) {
    if (view !== current) return;
    view.els.notice.textContent = err.message;
    flashError(`Could not load ${view.resource}/${view.name}`, err);
    return;
  }
  if (view !== current) return;
  keepFocus(view.root, () => fill(view, body));
}

function fill(view, body) {
  const { els } = view;
  const row = body.row ?? {};
  els.kind.textContent = row.kind || view.resource;
  els.status.replaceChildren(...['Status: ', badge(row.phase), reasonDiv(row)].filter(Boolean));
  els.notice.textContent = '';
  // Notes name the parts (pods, events) the user may not read.
  els.notes.replaceChildren(...(body.notes ?? []).map((note) => h('li', { text: note })));

  fillRows(els.conditions, body.conditions, 5, 'No conditions yet.', (c) => [
    c.type, c.status, c.reason, c.message, timeAgo(c.lastTransitionTime),
  ]);
  fillRows(els.pods, body.pods, 5, 'No pods.', (p) => [
    h('button', { type: 'button', class: 'link', 'data-pod': p.name, 'aria-pressed': String(p.name === view.pod) }, p.name),
    p.phase, p.node, String(p.restarts ?? 0), [p.reason, p.message].filter(Boolean).join(': '),
  ]);
  fillRows(els.events, body.events, 6, 'No events.', (e) => [
    e.type, e.reason, e.message, String(e.count ?? ''), timeAgo(e.lastSeen), e.object,
  ]);
  els.yaml.textContent = body.yaml ?? '';
}

// fillRows replaces tbody's rows by one per item, cells(item) giving the cells' content.
function fillRows(tbody, items, columns, emptyText, cells) {
  const list = items ?? [];
  tbody.replaceChildren(...(list.length
    ? list.map((item) => h('tr', null, cells(item).map((c) => h('td', null, c ?? ''))))
    : [placeholderRow(columns, emptyText)]));
}

// loadLog shows the tail of pod's log in #detail-log (or why it is not there).
async function loadLog(pod) {
  const view = current;
  if (!view) return;
  view.pod = pod;
  for (const b of view.els.pods.querySelectorAll('button[data-pod]')) {
    b.setAttribute('aria-pressed', String(b.dataset.pod === pod));
  }
  const { els } = view;
  els.logTitle.textContent = `Log of ${pod}`;
  els.logHint.hidden = true;
  els.log.classList.remove('error');
  els.log.textContent = 'Loading…';
  try {
    const text = await getText(apiPath('pods', pod, 'log'));
    if (view !== current || view.pod !== pod) return;
    els.log.textContent = text || '(the log is empty)';
  } catch (err) {
    if (view !== current || view.pod !== pod) return;
    els.log.classList.add('error');
    els.log.textContent = err.message;
  }
}
