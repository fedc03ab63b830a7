// What really travels to a phone: real HTTP requests against a listening server (app.inject
// skips the socket), read without decoding, so the bytes counted are the bytes sent.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../notifications/support.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes on the wire. */
  raw: Buffer;
  /** The decoded body. */
  text: string;
}

function get(base: string, url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(url, base), { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          const decoded = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: decoded.toString('utf8') });
        });
      })
      .on('error', reject);
  });
}

const INDEX = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>FabLab</title>${'<link rel="preload" href="/assets/x.js">'.repeat(40)}</head><body><div id="root"></div></body></html>`;
const SCRIPT = `export function hello(){return ${JSON.stringify('Xin chào FabLab Bình Dương '.repeat(200))}}`;
const STYLE = `.calendar{display:grid;grid-template-columns:repeat(7,1fr)}\n`.repeat(80);

describe('what travels over HTTP', () => {
  let ctx: TestContext;
  let base: string;
  let webDist: string;
  const clock = fixedClock('2030-05-06T01:00:00Z');

  beforeAll(async () => {
    webDist = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
    mkdirSync(path.join(webDist, 'assets'));
    writeFileSync(path.join(webDist, 'index.html'), INDEX);
    writeFileSync(path.join(webDist, 'assets', 'index-B4xQ9kLm.js'), SCRIPT);
    writeFileSync(path.join(webDist, 'assets', 'index-Cw3Zt1aP.css'), STYLE);
    ctx = await createTestContext({ clock, config: { webDist } });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await ctx.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('sends the page with brotli and asks the browser to revalidate it', async () => {
    for (const url of ['/', '/index.html', '/labs/some-lab']) {
      const res = await get(base, url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(res.status, url).toBe(200);
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.text).toBe(INDEX);
      expect(res.raw.length).toBeLessThan(INDEX.length / 3);
    }
  });

  it('sends hashed scripts and styles compressed, cached for a year and immutable', async () => {
    for (const [file, body] of [
      ['/assets/index-B4xQ9kLm.js', SCRIPT],
      ['/assets/index-Cw3Zt1aP.css', STYLE],
    ] as const) {
      const br = await get(base, file, { 'accept-encoding': 'br' });
      expect(br.headers['content-encoding'], file).toBe('br');
      expect(br.headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
      expect(br.text).toBe(body);
      const gz = await get(base, file, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], file).toBe('gzip');
      expect(gz.text).toBe(body);
      expect(gz.raw.length).toBeLessThan(body.length / 3);
      // A client that asks for nothing gets the file as it is.
      const plain = await get(base, file);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.text).toBe(body);
    }
  });

  it('compresses JSON answers and the OpenAPI document', async () => {
    for (let i = 0; i < 4; i++) await ctx.createLab();
    const labs = await get(base, '/api/labs', { 'accept-encoding': 'br, gzip' });
    expect(labs.headers['content-type']).toContain('application/json');
    expect(labs.headers['content-encoding']).toBe('br');
    expect(JSON.parse(labs.text).items.length).toBeGreaterThanOrEqual(4);
    const doc = await get(base, '/api/docs/json', { 'accept-encoding': 'gzip' });
    expect(doc.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(doc.text).openapi).toMatch(/^3\./);
    expect(doc.raw.length).toBeLessThan(Buffer.byteLength(doc.text) / 5);
  });

  it('compresses calendar feeds and answers a repeat with 304 Not Modified', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const maker = await ctx.createUser();
    for (let day = 7; day <= 20; day++) {
      await insertBooking(ctx, {
        machineId: machine.id,
        labId: lab.id,
        userId: maker.id,
        start: `2030-05-${String(day).padStart(2, '0')}T01:00:00Z`,
        end: `2030-05-${String(day).padStart(2, '0')}T02:00:00Z`,
      });
    }
    const { url } = (await ctx.injectAs(maker, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const feedPath = new URL(url).pathname;
    const first = await get(base, feedPath, { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.text).toContain('BEGIN:VCALENDAR');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await get(base, feedPath, { 'accept-encoding': 'gzip', 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
    // A change makes a new version.
    await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: maker.id,
      start: '2030-05-21T01:00:00Z',
      end: '2030-05-21T02:00:00Z',
    });
    const changed = await get(base, feedPath, { 'accept-encoding': 'gzip', 'if-none-match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('compresses the CSV export', async () => {
    const lab = await ctx.createLab();
    await ctx.createMachine(lab.id);
    const department = await ctx.createUser({ role: 'department' });
    const res = await get(base, '/api/stats/monthly?month=2030-04&format=csv', {
      authorization: `Bearer ${department.token}`,
      'accept-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
  });
});
