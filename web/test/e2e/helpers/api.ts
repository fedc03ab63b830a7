// Reads the demo data through the API to choose what to click (machine names, free days);
// every action under test is done through the browser.
import type { Lab, Machine } from '@fablab/shared';
import { DEMO_PASSWORD } from './browser';

export async function apiToken(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function apiGet<T>(baseUrl: string, path: string, token?: string): Promise<T> {
  const response = await fetch(`${baseUrl}/api${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Sets up what a test needs but does not itself test (a plan, a walk-in, an incident). */
export async function apiPost<T>(baseUrl: string, path: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function labsOf(baseUrl: string): Promise<Lab[]> {
  return (await apiGet<{ items: Lab[] }>(baseUrl, '/labs')).items;
}

export async function machinesOf(baseUrl: string, labId: string): Promise<Machine[]> {
  return (await apiGet<{ items: Machine[] }>(baseUrl, `/labs/${labId}/machines`)).items;
}
