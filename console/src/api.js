// The admin API (docs/openapi.yaml), same origin as the console. Every call carries the bearer
// token kept in sessionStorage; a 401 ends the session (the sign-in screen comes back).
const KEY = 'siyu.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  set: t => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused or failed call: status, the API's error code and message, and per-field messages. */
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code || String(status));
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

let onUnauthorised = () => {};
export function whenUnauthorised(f) { onUnauthorised = f; }

export async function api(method, path, body, token = session.token()) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token || ''}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 401) {
    onUnauthorised();
    throw new ApiError(401, 'unauthorized', '');
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const e = (json && json.error) || {};
    throw new ApiError(res.status, e.code, e.message, e.fields);
  }
  return json;
}

export const get = p => api('GET', p);
export const enc = encodeURIComponent;
