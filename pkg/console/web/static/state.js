// Shared state of the mlplane console page, permission checks and the URL builders.

export const state = {
  user: '',
  csrfToken: '',
  config: { notebookImages: [], defaultNotebookImage: '', gpuVendors: [] },
  namespaces: [],     // [{name, owner, role}]
  ns: '',             // current namespace
  section: '',        // notebooks | training | models | contributors
  detail: null,       // {resource, name} when the detail view is open
  allowed: {},        // resource → verbs, from api/namespaces/{ns}/access
  rows: new Map(),    // rowKey → row of the current live section
  rowsLoaded: false,  // a snapshot arrived for the current section
};

export const SECTIONS = {
  notebooks: 'Notebooks',
  training: 'Training jobs',
  models: 'Models',
  contributors: 'Contributors',
};

export const TRAINING_RESOURCES = [
  'tfjobs', 'pytorchjobs', 'mpijobs', 'xgboostjobs', 'paddlejobs', 'jaxjobs', 'trainjobs',
];

// can tells whether the user may do verb on resource in the current namespace.
export function can(resource, verb) {
  return (state.allowed[resource] ?? []).includes(verb);
}

export function canAny(resources, verb) {
  return resources.some((r) => can(r, verb));
}

// rowKey identifies a row of a live list (names are unique per resource only).
export const rowKey = (row) => `${row.resource}/${row.name}`;

// apiPath builds the relative URL api/namespaces/{ns}/{parts...}, each part escaped.
export function apiPath(...parts) {
  return ['api', 'namespaces', state.ns, ...parts].map(encodeURIComponent).join('/');
}

// watchPath is the live stream of a section in the current namespace. It is
// not below the page but below .../v1/watch/ui/console/ (two levels up from
// the page .../v1/ui/console/), so that the API servers treat it as a watch.
export function watchPath(section) {
  return '../../watch/ui/console/' + ['api', 'namespaces', state.ns, section].map(encodeURIComponent).join('/');
}

// hashFor builds the route #/ns/<ns>/<section>[/<resource>/<name>].
export function hashFor(ns, section, resource, name) {
  const parts = ['ns', ns, section];
  if (resource && name) parts.push(resource, name);
  return '#/' + parts.map(encodeURIComponent).join('/');
}
