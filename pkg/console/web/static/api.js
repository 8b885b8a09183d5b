// Fetch helpers of the mlplane console: JSON GET/POST with the CSRF token and the API's error shape.
import { state } from './state.js';

// ApiError carries the API's failure {code, reason, message, causes[{field, message, line}]}.
export class ApiError extends Error {
  constructor(status, message, reason = '', causes = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.causes = Array.isArray(causes) ? causes : [];
  }
}

// toError reads a failed response: the JSON error when there is one, else its text.
async function toError(res) {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && (body.message || body.reason)) {
      return new ApiError(res.status, String(body.message || body.reason), body.reason ?? '', body.causes);
    }
  } catch {
    // not JSON: fall through to the text
  }
  const short = text.trim().slice(0, 500);
  return new ApiError(res.status, short || `${res.status} ${res.statusText}`.trim());
}

async function send(url, init) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (err) {
    throw new ApiError(0, `network error: ${err.message}`);
  }
  if (!res.ok) throw await toError(res);
  return res;
}

export async function getJSON(url) {
  const res = await send(url, { headers: { Accept: 'application/json' } });
  return res.json();
}

export async function getText(url) {
  const res = await send(url, { headers: { Accept: 'text/plain' } });
  return res.text();
}

// postJSON sends body as JSON with the session's CSRF token; it answers the
// response's JSON ({kind, name} or {}).
export async function postJSON(url, body) {
  const res = await send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrfToken },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  if (!text) return {};
  try {
    return JSON.parse(text) ?? {};
  } catch {
    return {};
  }
}
