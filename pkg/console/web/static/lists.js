// The live list views of the console: notebooks, training jobs and models.
import { h, badge, reasonDiv, timeAgo, keepFocus, flashError, dataTable, placeholderRow, scrollBox } from './dom.js';
import { state, SECTIONS, TRAINING_RESOURCES, can, canAny, rowKey, apiPath, hashFor } from './state.js';
import { postJSON } from './api.js';
import { openNotebookForm, openModelForm, openYAMLForm } from './forms.js';

const byName = (a, b) => String(a.name).localeCompare(String(b.name));
const byKindThenName = (a, b) => String(a.kind).localeCompare(String(b.kind)) || byName(a, b);

const LISTS = {
  notebooks: {
    tableId: 'notebooks-table',
    headers: ['Name', 'Status', 'Image', 'CPU', 'Memory', 'GPUs', 'Actions'],
    noun: 'notebooks',
    compare: byName,
    row: notebookRow,
    toolbar: (slot) => [
      can('notebooks', 'create') && opener('new-notebook', 'New notebook', (b) => openNotebookForm(slot, b)),
    ],
  },
  training: {
    tableId: 'training-table',
    headers: ['Kind', 'Name', 'Status', 'Replicas', 'Age', 'Actions'],
    noun: 'training jobs',
    compare: byKindThenName,
    row: trainingRow,
    toolbar: (slot) => [
      canAny(TRAINING_RESOURCES, 'create') && opener('new-yaml', 'New from YAML', (b) => openYAMLForm(slot, b, 'training')),
    ],
  },
  models: {
    tableId: 'models-table',
    headers: ['Name', 'Ready', 'URL', 'Runtime', 'Traffic', 'Actions'],
    noun: 'models',
    compare: byName,
    row: modelRow,
    toolbar: (slot) => can('inferenceservices', 'create') && [
      opener('new-model', 'New model', (b) => openModelForm(slot, b)),
      opener('new-yaml', 'New from YAML', (b) => openYAMLForm(slot, b, 'models')),
    ],
  },
};

// opener is a toolbar button that opens one of the create forms.
function opener(id, label, open) {
  const button = h('button', { type: 'button', id, class: 'primary opener', 'aria-expanded': 'false' }, label);
  button.addEventListener('click', () => open(button));
  return button;
}

// renderList shows the current section's table (filled from state.rows) and its create buttons.
export function renderList(main) {
  const spec = LISTS[state.section];
  const slot = h('div', { class: 'form-slot' });
  const { table, tbody } = dataTable(spec.tableId, SECTIONS[state.section], spec.headers);
  tbody.setAttribute('data-rows', '');
  table.addEventListener('click', onAction);
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, SECTIONS[state.section], ' ', h('span', { class: 'muted', text: `in ${state.ns}` })),
    h('div', { class: 'toolbar' }, spec.toolbar(slot)),
    slot,
    scrollBox(table, SECTIONS[state.section]),
  );
  renderRows();
}

// rendered keeps each row's element with what it was drawn from, so that a
// redraw replaces only the rows that changed: the others keep their
// elements (a button under the pointer stays the same button).
let rendered = new Map();

// markPending is set when a snapshot arrives and cleared once it is on
// screen, where the mark mlplane:snapshot-rendered records the time (the
// benchmark of docs/benchmarks.md reads it).
let markPending = false;

export function snapshotArrived() {
  markPending = true;
}

// renderRows redraws the rows of the list on the page, if one is shown.
export function renderRows() {
  const spec = LISTS[state.section];
  const tbody = document.querySelector('#main tbody[data-rows]');
  if (!spec || !tbody) return;
  const rows = [...state.rows.values()].sort(spec.compare);
  const empty = state.rowsLoaded ? `No ${spec.noun} in ${state.ns}.` : 'Loading…';
  const context = JSON.stringify([state.ns, state.section, state.allowed]);
  const next = new Map();
  const elements = rows.map((row) => {
    const drawnFrom = context + JSON.stringify(row);
    const old = rendered.get(rowKey(row));
    const el = old && old.drawnFrom === drawnFrom ? old.el : spec.row(row);
    next.set(rowKey(row), { drawnFrom, el });
    return el;
  });
  rendered = next;
  keepFocus(tbody, () => tbody.replaceChildren(
    ...(rows.length ? elements : [placeholderRow(spec.headers.length, empty)])));
  if (markPending && state.rowsLoaded) {
    markPending = false;
    performance.mark('mlplane:snapshot-rendered');
  }
}

function rowElement(row, extra, cells) {
  return h('tr', { 'data-name': row.name, 'data-key': rowKey(row), ...extra }, cells);
}

// nameCell links to the object's detail view.
function nameCell(row) {
  return h('td', { class: 'name' },
    h('a', { href: hashFor(state.ns, state.section, row.resource, row.name) }, row.name));
}

function phaseCell(row) {
  return h('td', { class: 'phase' }, badge(row.phase), reasonDiv(row));
}

function textCell(cls, value) {
  return h('td', { class: cls, text: value ?? '' });
}

function actionButton(row, action, label, extra = {}) {
  return h('button', {
    type: 'button',
    class: action === 'delete' ? 'small danger' : 'small',
    'data-action': action,
    'aria-label': `${label} ${row.name}`,
    ...extra,
  }, label);
}

function deleteButton(row) {
  return can(row.resource, 'delete') && actionButton(row, 'delete', 'Delete');
}

// Only a same-origin path or an http(s) URL becomes a link ("//host" and "/\host" are other origins).
const SAFE_LINK = /^(?:https?:\/\/|\/(?![/\\]))/i;

function connectLink(row) {
  if (!row.connectURL || row.phase !== 'Running' || !SAFE_LINK.test(row.connectURL)) return null;
  const a = h('a', { class: 'connect', target: '_blank', rel: 'noopener noreferrer', 'aria-label': `Connect to ${row.name}` }, 'Connect');
  a.href = row.connectURL;
  return a;
}

function notebookRow(row) {
  const patch = can(row.resource, 'patch');
  return rowElement(row, {}, [
    nameCell(row),
    phaseCell(row),
    textCell('image', row.image),
    textCell('cpu', row.cpu),
    textCell('memory', row.memory),
    textCell('gpus', row.gpus ?? 0),
    h('td', { class: 'actions' },
      connectLink(row),
      patch && (row.stopped ? actionButton(row, 'start', 'Start') : actionButton(row, 'stop', 'Stop')),
      deleteButton(row)),
  ]);
}

// replicaSummary: "PS 1/1 running · Worker 2/2 running, 1 failed".
export function replicaSummary(replicas) {
  return (replicas ?? []).map((r) => {
    let text = r.desired == null ? `${r.type} ${r.active ?? 0} running` : `${r.type} ${r.active ?? 0}/${r.desired} running`;
    if (r.succeeded) text += `, ${r.succeeded} ok`;
    if (r.failed) text += `, ${r.failed} failed`;
    return text;
  }).join(' · ');
}

function trainingRow(row) {
  const patch = can(row.resource, 'patch');
  return rowElement(row, { 'data-kind': row.kind }, [
    textCell('kind', row.kind),
    nameCell(row),
    phaseCell(row),
    textCell('replicas', replicaSummary(row.replicas)),
    h('td', { class: 'age' }, timeAgo(row.created)),
    h('td', { class: 'actions' },
      patch && (row.suspended ? actionButton(row, 'resume', 'Resume') : actionButton(row, 'suspend', 'Suspend')),
      deleteButton(row)),
  ]);
}

function readyText(ready) {
  if (ready === true) return 'True';
  if (ready === false || ready == null || ready === '') return 'False';
  return String(ready);
}

function urlCell(url) {
  if (!url) return textCell('url', '');
  if (!/^https?:\/\//i.test(url)) return textCell('url', url);
  const a = h('a', { rel: 'noopener noreferrer', target: '_blank' }, url);
  a.href = url;
  return h('td', { class: 'url' }, a);
}

// trafficText: "predictor 80% · canary-a 20%".
export function trafficText(traffic) {
  return (traffic ?? []).map((t) => `${t.name} ${t.percent ?? 0}%`).join(' · ');
}

function modelRow(row) {
  const patch = can(row.resource, 'patch');
  const canaryButtons = patch ? (row.canaries ?? []).flatMap((c) => [
    actionButton(row, 'promote', `Promote ${c.name}`, { 'data-canary': c.name }),
    actionButton(row, 'rollback', `Roll back ${c.name}`, { 'data-canary': c.name }),
  ]) : [];
  return rowElement(row, {}, [
    nameCell(row),
    h('td', { class: 'ready' }, badge(readyText(row.ready)), reasonDiv(row)),
    urlCell(row.url),
    textCell('runtime', row.runtime),
    textCell('traffic', trafficText(row.traffic)),
    h('td', { class: 'actions' },
      patch && (row.stopped ? actionButton(row, 'start', 'Start') : actionButton(row, 'stop', 'Stop')),
      canaryButtons,
      deleteButton(row)),
  ]);
}

// Requests in flight (rowKey/action), so that a double click sends one.
const pending = new Set();

// onAction runs a row's action button; the live watch then updates the row.
async function onAction(ev) {
  const button = ev.target.closest('button[data-action]');
  const tr = button?.closest('tr[data-key]');
  const row = tr && state.rows.get(tr.dataset.key);
  if (!row) return;
  const { action, canary } = button.dataset;
  const id = `${rowKey(row)}/${action}/${canary ?? ''}`;
  if (pending.has(id)) return;
  if (action === 'delete' && !confirm(`Delete ${row.kind} ${row.name}?`)) return;
  pending.add(id);
  button.setAttribute('aria-disabled', 'true');
  try {
    await postJSON(apiPath('objects', row.resource, row.name, action), canary ? { canary } : {});
  } catch (err) {
    flashError(`Could not ${action} ${row.kind} ${row.name}`, err);
  } finally {
    pending.delete(id);
    button.removeAttribute('aria-disabled');
  }
}
