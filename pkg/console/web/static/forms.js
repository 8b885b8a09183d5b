// The create forms of the console: notebook, InferenceService (model) and YAML for any kind.
import { h, flash, flashError } from './dom.js';
import { state, apiPath } from './state.js';
import { postJSON } from './api.js';

const CUSTOM_IMAGE = '__custom__';

const MODEL_FORMATS = [
  'sklearn', 'xgboost', 'lightgbm', 'tensorflow', 'pytorch', 'onnx', 'triton', 'huggingface', 'pmml', 'paddle',
];

const EXAMPLES = {
  training: `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: tf-mnist
spec:
  tfReplicaSpecs:
    PS:
      replicas: 1
      restartPolicy: OnFailure
      template:
        spec:
          containers:
            - name: tensorflow
              image: docker.io/kubeflowkatib/tf-mnist-with-summaries:latest
              command:
                - python
                - /opt/tf-mnist-with-summaries/mnist.py
    Worker:
      replicas: 2
      restartPolicy: OnFailure
      template:
        spec:
          containers:
            - name: tensorflow
              image: docker.io/kubeflowkatib/tf-mnist-with-summaries:latest
              command:
                - python
                - /opt/tf-mnist-with-summaries/mnist.py
`,
  models: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: sklearn-iris
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
`,
};

// ---- form plumbing ---------------------------------------------------------

// field is a label and its control (and an optional hint tied with aria-describedby).
function field(label, control, hint) {
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint`, text: hint }) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control, hintEl);
}

function textInput(id, attrs = {}) {
  return h('input', { id, name: id, type: 'text', autocomplete: 'off', ...attrs });
}

function select(id, options, selected) {
  return h('select', { id, name: id },
    options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

function formButtons(submitId, submitLabel, onCancel) {
  return h('div', { class: 'form-actions' },
    h('button', { type: 'submit', id: submitId, class: 'primary' }, submitLabel),
    h('button', { type: 'button', class: 'secondary', on: { click: onCancel } }, 'Cancel'));
}

// showForm puts form into slot (closing any other open form) and marks its opener expanded.
function showForm(slot, opener, form) {
  for (const b of document.querySelectorAll('button.opener')) {
    b.setAttribute('aria-expanded', String(b === opener));
  }
  opener.setAttribute('aria-controls', form.id);
  slot.replaceChildren(form);
  form.querySelector('input, select, textarea')?.focus();
}

function closeForm(form, opener) {
  form.remove();
  opener.setAttribute('aria-expanded', 'false');
  opener.focus();
}

// alreadyOpen focuses the form with this id if it is open.
function alreadyOpen(slot, id) {
  const form = slot.querySelector(`#${id}`);
  form?.querySelector('input, select, textarea')?.focus();
  return Boolean(form);
}

// submitForm posts body; on success it closes the form and flashes done(response),
// on failure it hands the error to showErrors and flashes it.
async function submitForm(form, opener, url, body, done, showErrors, what) {
  if (form.dataset.busy) return;
  form.dataset.busy = 'true';
  const button = form.querySelector('button[type=submit]');
  button.setAttribute('aria-disabled', 'true');
  try {
    const res = await postJSON(url, body);
    closeForm(form, opener);
    flash(done(res), 'success');
  } catch (err) {
    showErrors(err);
    flashError(`Could not create ${what}`, err);
  } finally {
    delete form.dataset.busy;
    button.removeAttribute('aria-disabled');
  }
}

// showFormErrors lists the message and each cause in #form-errors and marks
// the inputs named by fieldIds (top-level field → input id) invalid.
function showFormErrors(form, err, fieldIds) {
  const list = form.querySelector('#form-errors');
  list.replaceChildren(
    h('li', { class: 'message', text: err.message }),
    ...err.causes.map((c) => h('li', { 'data-field': c.field ?? '' },
      c.field ? `${c.field}: ${c.message}` : c.message)));
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const c of err.causes) {
    const id = fieldIds[String(c.field ?? '').split(/[.[]/)[0]];
    if (id) form.querySelector(`#${id}`)?.setAttribute('aria-invalid', 'true');
  }
}

// ---- notebook --------------------------------------------------------------

export function openNotebookForm(slot, opener) {
  if (alreadyOpen(slot, 'notebook-form')) return;
  const cfg = state.config;
  const images = [...(cfg.notebookImages ?? [])];
  if (cfg.defaultNotebookImage && !images.includes(cfg.defaultNotebookImage)) images.unshift(cfg.defaultNotebookImage);

  const name = textInput('nb-name', { required: true });
  const image = select('nb-image',
    [...images.map((i) => [i, i]), [CUSTOM_IMAGE, 'Custom image']],
    images.length ? cfg.defaultNotebookImage || images[0] : CUSTOM_IMAGE);
  const customImage = textInput('nb-custom-image', { placeholder: 'registry/repository:tag' });
  const customField = field('Custom image', customImage);
  const syncImage = () => { customField.hidden = image.value !== CUSTOM_IMAGE; };
  image.addEventListener('change', syncImage);
  syncImage();

  const cpu = textInput('nb-cpu', { value: '0.5' });
  const memory = textInput('nb-memory', { value: '1Gi' });
  const gpus = h('input', { id: 'nb-gpus', name: 'nb-gpus', type: 'number', min: 0, step: 1, value: 0 });
  const vendor = select('nb-gpu-vendor', (cfg.gpuVendors ?? []).map((v) => [v.limitsKey, v.uiName || v.limitsKey]));

  const workspace = h('input', { id: 'nb-workspace', name: 'nb-workspace', type: 'checkbox', checked: true });
  const workspaceSize = textInput('nb-workspace-size', { value: '10Gi' });
  workspace.addEventListener('change', () => { workspaceSize.disabled = !workspace.checked; });

  const volumes = h('div', { id: 'nb-volumes', class: 'volumes' });
  let volumeCount = 0;
  const addVolume = h('button', { type: 'button', id: 'nb-add-volume', class: 'secondary' }, 'Add data volume');
  addVolume.addEventListener('click', () => {
    const fieldset = volumeFieldset(++volumeCount);
    volumes.append(fieldset);
    fieldset.querySelector('input').focus();
  });

  const form = h('form', { id: 'notebook-form', class: 'panel', 'aria-labelledby': 'notebook-form-title' },
    h('h2', { id: 'notebook-form-title', text: 'New notebook' }),
    field('Name', name, 'Lower-case letters, digits and "-".'),
    field('Image', image),
    customField,
    h('div', { class: 'grid' },
      field('CPU', cpu),
      field('Memory', memory),
      field('GPUs', gpus),
      field('GPU vendor', vendor)),
    h('fieldset', null,
      h('legend', { text: 'Workspace volume' }),
      h('div', { class: 'field check' }, workspace, h('label', { for: 'nb-workspace', text: 'Create a workspace volume (mounted at /home/jovyan)' })),
      field('Workspace size', workspaceSize)),
    h('fieldset', null,
      h('legend', { text: 'Data volumes' }),
      volumes,
      addVolume),
    h('ul', { id: 'form-errors', class: 'errors' }),
    formButtons('nb-submit', 'Create notebook', () => closeForm(form, opener)));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(),
      image: image.value === CUSTOM_IMAGE ? customImage.value.trim() : image.value,
      cpu: cpu.value.trim(),
      memory: memory.value.trim(),
      gpus: { count: Number(gpus.value) || 0, vendor: vendor.value },
      workspace: workspace.checked ? { size: workspaceSize.value.trim() } : null,
      dataVolumes: [...volumes.querySelectorAll('fieldset.volume')].map((fs) => ({
        name: fs.querySelector('.vol-name').value.trim(),
        size: fs.querySelector('.vol-size').value.trim(),
        mountPath: fs.querySelector('.vol-mount').value.trim(),
      })),
      configurations: [],
    };
    const fieldIds = {
      name: 'nb-name', image: image.value === CUSTOM_IMAGE ? 'nb-custom-image' : 'nb-image',
      cpu: 'nb-cpu', memory: 'nb-memory', gpus: 'nb-gpus', workspace: 'nb-workspace-size',
    };
    submitForm(form, opener, apiPath('notebooks'), body,
      (res) => `Notebook ${res.name || body.name} created`,
      (err) => showFormErrors(form, err, fieldIds),
      `notebook ${body.name}`);
  });

  showForm(slot, opener, form);
}

// volumeFieldset is data volume n of the notebook form: name, size, mount path.
function volumeFieldset(n) {
  const name = n === 1 ? 'data' : `data-${n}`;
  const fieldset = h('fieldset', { class: 'volume', 'data-volume': n },
    h('legend', { text: `Data volume ${n}` }),
    h('div', { class: 'grid' },
      field('Name', textInput(`nb-vol-${n}-name`, { class: 'vol-name', value: name})),
      field('Size', textInput(`nb-vol-${n}-size`, { class: 'vol-size', value: '5Gi' })),
      field('Mount path', textInput(`nb-vol-${n}-mount`, { class: 'vol-mount', value: `/${name}` }))));
  const remove = h('button', { type: 'button', class: 'small secondary', 'aria-label': `Remove data volume ${n}` }, 'Remove');
  remove.addEventListener('click', () => fieldset.remove());
  fieldset.append(remove);
  return fieldset;
}

// ---- model (InferenceService) -----------------------------------------------

export function openModelForm(slot, opener) {
  if (alreadyOpen(slot, 'model-form')) return;
  const name = textInput('m-name', { required: true });
  const format = select('m-format', MODEL_FORMATS.map((f) => [f, f]), 'sklearn');
  const storage = textInput('m-storage', { placeholder: 'gs://bucket/path, s3://…, pvc://claim/path' });
  const runtime = textInput('m-runtime');

  const form = h('form', { id: 'model-form', class: 'panel', 'aria-labelledby': 'model-form-title' },
    h('h2', { id: 'model-form-title', text: 'New model' }),
    field('Name', name),
    field('Model format', format),
    field('Storage URI', storage),
    field('Serving runtime (optional)', runtime, 'Leave empty to let KServe pick one for the format.'),
    h('ul', { id: 'form-errors', class: 'errors' }),
    formButtons('m-submit', 'Create model', () => closeForm(form, opener)));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(),
      modelFormat: format.value,
      storageUri: storage.value.trim(),
      runtime: runtime.value.trim(),
    };
    const fieldIds = { name: 'm-name', modelFormat: 'm-format', storageUri: 'm-storage', runtime: 'm-runtime' };
    submitForm(form, opener, apiPath('inferenceservices'), body,
      (res) => `${res.kind || 'InferenceService'} ${res.name || body.name} created`,
      (err) => showFormErrors(form, err, fieldIds),
      `model ${body.name}`);
  });

  showForm(slot, opener, form);
}

// ---- YAML -----------------------------------------------------------------

const lineOf = (cause) => {
  const n = Number(cause.line);
  return Number.isInteger(n) && n > 0 ? n : null;
};

// selectLine selects line n (1-based) of the textarea and scrolls it into view.
function selectLine(textarea, n) {
  const lines = textarea.value.split('\n');
  const index = Math.min(Math.max(n, 1), lines.length) - 1;
  let start = 0;
  for (let i = 0; i < index; i++) start += lines[i].length + 1;
  textarea.focus();
  textarea.setSelectionRange(start, start + lines[index].length);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  textarea.scrollTop = Math.max(0, (index - 3) * lineHeight);
}

// guess reads kind and metadata.name from the YAML, for the message when the
// server answers without them.
function guess(yaml) {
  const kind = /^kind:\s*["']?([\w.-]+)/m.exec(yaml)?.[1] ?? 'Object';
  const name = /^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*["']?([\w.-]+)/m.exec(yaml)?.[1] ?? '';
  return { kind, name };
}

export function openYAMLForm(slot, opener, section) {
  if (alreadyOpen(slot, 'yaml-form')) return;
  const text = h('textarea', {
    id: 'yaml-text', name: 'yaml-text', rows: 24, wrap: 'off', spellcheck: 'false',
    autocapitalize: 'off', autocomplete: 'off', 'aria-describedby': 'yaml-message yaml-errors',
  });
  text.value = EXAMPLES[section] ?? '';
  // The gutter numbers the lines and marks those with an error; it scrolls with the textarea.
  const gutter = h('ol', { id: 'yaml-gutter', class: 'gutter', 'aria-hidden': 'true' });
  const message = h('p', { id: 'yaml-message', class: 'error-message' });
  const errors = h('ul', { id: 'yaml-errors', class: 'errors' });
  let errorLines = new Set();

  const drawGutter = () => {
    const count = text.value.split('\n').length;
    const items = [];
    for (let i = 1; i <= count; i++) {
      items.push(h('li', { 'data-line': i, class: errorLines.has(i) ? 'error' : null }, String(i)));
    }
    gutter.replaceChildren(...items);
    gutter.scrollTop = text.scrollTop;
  };
  text.addEventListener('input', () => {
    if (gutter.children.length !== text.value.split('\n').length) drawGutter();
  });
  text.addEventListener('scroll', () => { gutter.scrollTop = text.scrollTop; });

  const showErrors = (err) => {
    message.textContent = err.message;
    errorLines = new Set(err.causes.map(lineOf).filter(Boolean));
    // A YAML syntax error has no causes but names its line in the message.
    const inMessage = /\bline (\d+)\b/.exec(err.message);
    if (!errorLines.size && inMessage) errorLines.add(Number(inMessage[1]));
    errors.replaceChildren(...err.causes.map((c) => {
      const line = lineOf(c);
      const label = [line && `line ${line}`, c.field, c.message].filter(Boolean).join(': ');
      const li = h('li', { 'data-field': c.field ?? '', 'data-line': line });
      if (!line) {
        li.textContent = label;
        return li;
      }
      li.append(h('button', { type: 'button', class: 'link', title: `Select line ${line}` }, label));
      li.addEventListener('click', () => selectLine(text, line));
      return li;
    }));
    if (errorLines.size) text.setAttribute('aria-invalid', 'true');
    else text.removeAttribute('aria-invalid');
    drawGutter();
  };

  const form = h('form', { id: 'yaml-form', class: 'panel wide', 'aria-labelledby': 'yaml-form-title' },
    h('h2', { id: 'yaml-form-title', text: 'New from YAML' }),
    h('div', { class: 'field' },
      h('label', { for: 'yaml-text', text: 'YAML' }),
      h('div', { class: 'yaml-editor' }, gutter, text),
      h('p', { class: 'hint', text: 'One object; its namespace is set to the current one.' })),
    message,
    errors,
    formButtons('yaml-submit', 'Create', () => closeForm(form, opener)));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const yaml = text.value;
    const guessed = guess(yaml);
    submitForm(form, opener, apiPath('yaml'), { yaml },
      (res) => `${res.kind || guessed.kind} ${res.name || guessed.name} created`,
      showErrors,
      `${guessed.kind} ${guessed.name}`.trim());
  });

  drawGutter();
  showForm(slot, opener, form);
}
