// Starts the release build on a free loopback port with a throwaway data directory, for
// the measuring scripts. `const { base, stop } = await startReleaseServer();`
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

export async function startReleaseServer() {
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
  const bin = process.env.SERVER_BIN || path.join(targetDir, 'release', 'cpd-registry');
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cpd-measure-'));
  const server = spawn(bin, [], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SITE_ADDR: `127.0.0.1:${port}`, DATA_DIR: dataDir, DATABASE_URL: `sqlite://${dataDir}/cpd.db`, RUST_LOG: 'warn', LOG_FORMAT: 'json' },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await get(`${base}/readyz`)).status === 200) return { base, port, stop: () => server.kill('SIGTERM') };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGTERM');
  throw new Error('the server did not become ready');
}
