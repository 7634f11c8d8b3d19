#!/usr/bin/env node
// A bounded load on loopback: starts the release server and sends WORKERS concurrent
// clients through REQUESTS page loads each (server-rendered pages, English and Swedish,
// signed out), then prints throughput, latency percentiles and any timeout or error.
//   node scripts/load.mjs            (WORKERS=32 REQUESTS=150 by default)
import http from 'node:http';
import { startReleaseServer } from './release-server.mjs';

const workers = Number(process.env.WORKERS || 32);
const perWorker = Number(process.env.REQUESTS || 150);
const paths = ['/', '/security', '/sign-in', '/no/such/page', '/account/profile', '/sub-processors'];

const server = await startReleaseServer();
const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
const latencies = [];
const statuses = {};
let timeouts = 0;
let errors = 0;

function load(path, lang) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port: server.port, path, agent, headers: { 'accept-language': lang } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        resolve();
      });
    });
    req.setTimeout(5000, () => {
      timeouts++;
      req.destroy();
      resolve();
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
  });
}

const started = Date.now();
await Promise.all(
  Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; i < perWorker; i++) await load(paths[(w + i) % paths.length], (w + i) % 2 ? 'sv' : 'en');
  }),
);
const seconds = (Date.now() - started) / 1000;
server.stop();
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
console.log(`${latencies.length} page loads by ${workers} concurrent clients in ${seconds.toFixed(1)} s: ${Math.round(latencies.length / seconds)} per second`);
console.log(`latency ms: p50 ${pct(50)}, p95 ${pct(95)}, p99 ${pct(99)}, max ${latencies[latencies.length - 1].toFixed(1)}`);
console.log(`statuses: ${JSON.stringify(statuses)}; timeouts (5 s): ${timeouts}; errors: ${errors}`);
process.exit(timeouts + errors > 0 ? 1 : 0);
