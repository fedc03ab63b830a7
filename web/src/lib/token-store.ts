// The signed-in session is a JWT kept in localStorage; components subscribe to its changes.
const KEY = 'fablab.token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    // Storage can be blocked (private mode, policies): the session then lives until reload.
    return memoryToken;
  }
}

let memoryToken: string | null = null;

export function getToken(): string | null {
  return read();
}

export function setToken(token: string | null): void {
  memoryToken = token;
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // See read(): fall back to memory.
  }
  for (const listener of listeners) listener();
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
