// Entry point of the mlplane console: session, namespace picker, routing and the live watch of a section.
import { h, flash, flashError, refreshAges } from './dom.js';
import { state, SECTIONS, rowKey, apiPath, watchPath, hashFor } from './state.js';
import { getJSON } from './api.js';
import { renderList, renderRows, snapshotArrived } from './lists.js';
import { renderDetail, closeDetail, isShown, refreshSoon, markDeleted } from './detail.js';
import { renderContributors, closeContributors } from './contributors.js';

const LIVE_SECTIONS = ['notebooks', 'training', 'models'];
const NO_NAMESPACES = 'You have no namespaces: ask for a Profile or to be added as a contributor';

const picker = document.getElementById('ns-picker');
const main = document.getElementById('main');
const live = document.getElementById('live');

let routeGen = 0;                   // bumped by each route change; late answers of older ones are dropped
let access = { ns: null, promise: null };
let watch = null;                   // the EventSource of the current section
let retryTimer = 0;

// ---- routing ---------------------------------------------------------------

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

// parseHash reads #/ns/<ns>/<section>[/<resource>/<name>]; null when it is not such a route.
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decode);
  if (parts[0] !== 'ns' || !parts[1]) return null;
  const section = parts[2] in SECTIONS ? parts[2] : 'notebooks';
  const detail = section !== 'contributors' && parts[3] && parts[4]
    ? { resource: parts[3], name: parts[4] } : null;
  return { ns: parts[1], section, detail };
}

// loadAccess reads what the user may do in ns (once per namespace visit);
// access.value is set once it is known.
function loadAccess(ns) {
  if (access.ns !== ns) {
    const entry = { ns, value: null, promise: null };
    entry.promise = getJSON(apiPath('access')).then((body) => body.allowed ?? {}, (err) => {
      flashError('Could not read your permissions', err);
      return {};
    }).then((allowed) => (entry.value = allowed));
    access = entry;
  }
  return access.promise;
}

async function onRoute() {
  const route = parseHash();
  if (!route || !state.namespaces.some((n) => n.name === route.ns)) {
    location.replace(hashFor(state.namespaces[0].name, route?.section ?? 'notebooks'));
    return;
  }
  const gen = ++routeGen;
  const nsChanged = route.ns !== state.ns;
  const sectionChanged = nsChanged || route.section !== state.section;
  const viewChanged = sectionChanged || JSON.stringify(route.detail) !== JSON.stringify(state.detail);
  state.ns = route.ns;
  state.section = route.section;
  state.detail = route.detail;
  updateChrome();
  if (sectionChanged) {
    flash('');
    closeWatch();
    state.rows = new Map();
    state.rowsLoaded = false;
    main.replaceChildren(h('p', { class: 'muted', text: 'Loading…' }));
    if (LIVE_SECTIONS.includes(state.section)) openWatch();
    else setLive('', '');
  }
  const allowed = loadAccess(state.ns);
  if (access.value) {
    state.allowed = access.value;
  } else if (LIVE_SECTIONS.includes(state.section) && !state.detail) {
    // Show the list now; its buttons follow once the permissions are known.
    state.allowed = {};
    render();
  }
  state.allowed = await allowed;
  if (gen !== routeGen) return;
  render();
  if (viewChanged && document.activeElement !== picker && gen > 1) main.querySelector('h1')?.focus();
}

// updateChrome syncs the picker, the nav links and the title with the route.
function updateChrome() {
  picker.value = state.ns;
  for (const a of document.querySelectorAll('a[data-nav]')) {
    a.setAttribute('href', hashFor(state.ns, a.dataset.nav));
    if (a.dataset.nav === state.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `mlplane console — ${state.ns}`;
}

function render() {
  closeDetail();
  closeContributors();
  if (state.section === 'contributors') renderContributors(main);
  else if (state.detail) renderDetail(main, state.detail.resource, state.detail.name);
  else renderList(main);
}

// ---- live watch ------------------------------------------------------------

function setLive(text, kind) {
  live.textContent = text;
  live.dataset.state = kind;
}

function closeWatch() {
  clearTimeout(retryTimer);
  watch?.close();
  watch = null;
}

// openWatch follows the current section with one EventSource. The browser
// reconnects by itself after an error (and a new snapshot arrives); only when
// it gives up (the stream was refused) is a new one opened here.
function openWatch() {
  const source = new EventSource(watchPath(state.section));
  watch = source;
  setLive('connecting…', 'connecting');
  const on = (type, fn) => source.addEventListener(type, (ev) => {
    if (watch !== source) return;
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      console.warn('mlplane console: bad event data', type, ev.data);
      return;
    }
    fn(data);
  });
  source.addEventListener('open', () => {
    if (watch === source) setLive('live', 'live');
  });
  source.addEventListener('error', () => {
    if (watch !== source) return;
    setLive('reconnecting…', 'reconnecting');
    if (source.readyState === EventSource.CLOSED) {
      retryTimer = setTimeout(() => {
        if (watch === source) openWatch();
      }, 3000);
    }
  });
  on('snapshot', onSnapshot);
  on('upsert', onUpsert);
  on('delete', onDelete);
}

function onSnapshot(data) {
  const reconnected = state.rowsLoaded;
  state.rows = new Map((data.items ?? []).map((row) => [rowKey(row), row]));
  state.rowsLoaded = true;
  if (!state.detail) {
    snapshotArrived();
    renderRows();
    return;
  }
  // The detail view loads itself when opened; after a reconnection it may be stale.
  const { resource, name } = state.detail;
  if (!reconnected || !isShown(resource, name)) return;
  if (state.rows.has(rowKey({ resource, name }))) refreshSoon();
  else markDeleted();
}

// renderSoon redraws the list once per frame however many events arrive:
// hundreds of objects changing at once cost one redraw, not hundreds.
let renderPending = false;
function renderSoon() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    if (!state.detail) renderRows();
  });
}

function onUpsert(row) {
  state.rows.set(rowKey(row), row);
  if (!state.detail) renderSoon();
  else if (isShown(row.resource, row.name)) refreshSoon();
}

function onDelete(ref) {
  state.rows.delete(rowKey(ref));
  if (!state.detail) renderSoon();
  else if (isShown(ref.resource, ref.name)) markDeleted();
}

// ---- start -----------------------------------------------------------------

function fillPicker() {
  picker.replaceChildren(...state.namespaces.map((n) =>
    h('option', { value: n.name }, n.role ? `${n.name} (${n.role})` : n.name)));
}

async function start() {
  // The session, the namespaces and, for a link straight to a list, that
  // list's stream are asked for at once: the page waits for one round
  // trip, not three.
  const early = parseHash();
  if (early && LIVE_SECTIONS.includes(early.section)) {
    state.ns = early.ns;
    state.section = early.section;
    state.detail = early.detail;
    openWatch();
    loadAccess(early.ns);
  }
  const [session, namespaces] = await Promise.allSettled([getJSON('api/session'), getJSON('api/namespaces')]);
  if (session.status === 'rejected') {
    flashError('Could not start the console', session.reason);
    main.replaceChildren(h('p', { text: 'Your session could not be read. Reload the page to try again.' }));
    closeWatch();
    return;
  }
  state.user = session.value.user ?? '';
  state.csrfToken = session.value.csrfToken ?? '';
  state.config = { ...state.config, ...(session.value.config ?? {}) };
  document.getElementById('user').textContent = state.user;
  if (namespaces.status === 'rejected') {
    flashError('Could not list your namespaces', namespaces.reason);
    main.replaceChildren(h('p', { text: 'Your namespaces could not be read. Reload the page to try again.' }));
    closeWatch();
    return;
  }
  state.namespaces = namespaces.value.items ?? [];
  fillPicker();
  if (!state.namespaces.length) {
    picker.disabled = true;
    closeWatch();
    setLive('', '');
    flash(NO_NAMESPACES, 'info');
    main.replaceChildren(h('p', { class: 'empty', text: NO_NAMESPACES }));
    return;
  }
  picker.addEventListener('change', () => {
    location.hash = hashFor(picker.value, state.section || 'notebooks');
  });
  window.addEventListener('hashchange', onRoute);
  setInterval(refreshAges, 10_000);
  onRoute();
}

start();
