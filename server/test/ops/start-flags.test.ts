// The server runs with the same Node flags wherever it is started: npm start, the Docker image and
// the benchmark (whose memory figures are only true of the server as it is started for real).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../bench/bench-server.js';
import { repoRoot } from '../../src/config.js';

describe('how the server is started', () => {
  it('gives node the same flags in npm start, the Dockerfile and the benchmark', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} server/dist/server.js`);
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(["node", ...SERVER_NODE_FLAGS, "server/dist/server.js"]).replaceAll(",", ", ")}`);
  });
});
