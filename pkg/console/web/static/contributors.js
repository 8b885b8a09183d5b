// The Contributors view: who else may use the namespace, and with which role.
import { h, flash, flashError, keepFocus, dataTable, placeholderRow, scrollBox } from './dom.js';
import { state, can, apiPath } from './state.js';
import { getJSON, postJSON } from './api.js';

const ROLES = ['view', 'edit', 'admin'];

// The shown view ({tbody}); answers for a view that is gone are dropped.
let current = null;

export function renderContributors(main) {
  const { table, tbody } = dataTable('contributors-table', 'Contributors', ['User', 'Role', 'Actions']);
  table.addEventListener('click', onRemove);
  current = { tbody };
  main.replaceChildren(...[
    h('h1', { tabindex: '-1' }, 'Contributors', ' ', h('span', { class: 'muted', text: `in ${state.ns}` })),
    can('contributors', 'create') && addForm(),
    scrollBox(table, 'Contributors'),
  ].filter(Boolean));
  tbody.replaceChildren(placeholderRow(3, 'Loading…'));
  load();
}

export function closeContributors() {
  current = null;
}

function addForm() {
  const user = h('input', { id: 'contrib-user', name: 'contrib-user', type: 'text', required: true, autocomplete: 'off', placeholder: 'user@example.com' });
  const role = h('select', { id: 'contrib-role', name: 'contrib-role' },
    ROLES.map((r) => h('option', { value: r, selected: r === 'edit' }, r)));
  const form = h('form', { id: 'contrib-form', class: 'panel inline', 'aria-label': 'Add a contributor' },
    h('div', { class: 'field' }, h('label', { for: 'contrib-user', text: 'User' }), user),
    h('div', { class: 'field' }, h('label', { for: 'contrib-role', text: 'Role' }), role),
    h('button', { type: 'submit', id: 'contrib-add', class: 'primary' }, 'Add contributor'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = 'true';
    const body = { user: user.value.trim(), role: role.value };
    try {
      await postJSON(apiPath('contributors'), body);
      flash(`Added ${body.user} as ${body.role}`, 'success');
      user.value = '';
      await load();
    } catch (err) {
      flashError(`Could not add ${body.user}`, err);
    } finally {
      delete form.dataset.busy;
    }
  });
  return form;
}

async function load() {
  const view = current;
  let items;
  try {
    items = (await getJSON(apiPath('contributors'))).items ?? [];
  } catch (err) {
    if (view !== current) return;
    view.tbody.replaceChildren(placeholderRow(3, 'The contributors could not be read.'));
    flashError('Could not list the contributors', err);
    return;
  }
  if (view !== current) return;
  items.sort((a, b) => String(a.user).localeCompare(String(b.user)));
  const mayRemove = can('contributors', 'delete');
  keepFocus(view.tbody, () => view.tbody.replaceChildren(...(items.length ? items.map((c) =>
    h('tr', { 'data-user': c.user, 'data-key': c.user, title: c.binding ? `RoleBinding ${c.binding}` : null },
      h('td', { class: 'user', text: c.user }),
      h('td', { class: 'role', text: c.role }),
      h('td', { class: 'actions' }, mayRemove && h('button', {
        type: 'button', class: 'small danger', 'data-action': 'remove', 'aria-label': `Remove ${c.user}`,
      }, 'Remove')))) : [placeholderRow(3, 'No contributors yet.')])));
}

async function onRemove(ev) {
  const button = ev.target.closest('button[data-action="remove"]');
  const user = button?.closest('tr[data-user]')?.dataset.user;
  if (!user || button.getAttribute('aria-disabled')) return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await postJSON(apiPath('contributors', 'remove'), { user });
    flash(`Removed ${user}`, 'success');
    await load();
  } catch (err) {
    flashError(`Could not remove ${user}`, err);
    button.removeAttribute('aria-disabled');
  }
}
