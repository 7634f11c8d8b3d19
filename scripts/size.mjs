#!/usr/bin/env node
// First-load transfer of the release build: starts the release server, loads the home page
// and everything it pulls in to hydrate (HTML, JS, WASM, CSS), and prints each file's size
// raw, gzip and brotli as the server actually sends them, against the product goal
// (SIZE_GOAL_KB, 250 KB gzip for the dashboard's first load). It fails when the gzip total
// passes the regression ceiling (SIZE_CEILING_KB, default 400): a growth that large must be
// a decision, not an accident.
//
//   node scripts/size.mjs [PATH]      (PATH defaults to /)
import { get as fetchRaw, startReleaseServer } from './release-server.mjs';

const goalKb = Number(process.env.SIZE_GOAL_KB || 250);
const ceilingKb = Number(process.env.SIZE_CEILING_KB || 400);
const pagePath = process.argv[2] || '/';

async function get(url, encoding) {
  const res = await fetchRaw(url, { 'accept-encoding': encoding });
  return { status: res.status, encoding: res.headers['content-encoding'] || 'identity', body: res.body };
}

const server = await startReleaseServer();
const base = server.base;
let exitCode = 0;
try {
  const html = (await get(base + pagePath, 'identity')).body.toString();
  const assets = new Set();
  for (const m of html.matchAll(/(?:href|src)="(\/pkg\/[^"]+)"/g)) assets.add(m[1]);
  // The hydration script imports the JS glue, which fetches the wasm next to it.
  for (const m of html.matchAll(/["'](\/pkg\/[^"']+\.(?:js|wasm))["']/g)) assets.add(m[1]);
  const js = [...assets].find((a) => a.endsWith('.js'));
  if (js && ![...assets].some((a) => a.endsWith('.wasm'))) assets.add(js.replace(/\.js$/, '_bg.wasm'));

  const rows = [];
  for (const url of [pagePath, ...[...assets].sort()]) {
    const sizes = {};
    for (const enc of ['identity', 'gzip', 'br']) {
      const res = await get(base + url, enc);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      sizes[enc] = res.body.length;
      sizes[`${enc}-sent`] = res.encoding;
    }
    rows.push({ url, ...sizes });
  }
  const kb = (n) => (n / 1024).toFixed(1).padStart(8);
  console.log(`First load of ${pagePath} (release build), as served:`);
  console.log(`${'file'.padEnd(36)}${'raw KB'.padStart(8)}${'gzip KB'.padStart(9)}${'br KB'.padStart(8)}`);
  const total = { identity: 0, gzip: 0, br: 0 };
  for (const r of rows) {
    console.log(`${r.url.padEnd(36)}${kb(r.identity)} ${kb(r.gzip)}${kb(r.br)}`);
    for (const k of Object.keys(total)) total[k] += r[k];
    if (r['gzip-sent'] !== 'gzip') {
      console.log(`  ! ${r.url} was not gzip-compressed`);
      exitCode = 1;
    }
  }
  console.log(`${'total'.padEnd(36)}${kb(total.identity)} ${kb(total.gzip)}${kb(total.br)}`);
  const wasm = rows.find((r) => r.url.endsWith('.wasm'));
  if (!wasm) {
    console.log('  ! no wasm found on the page');
    exitCode = 1;
  }
  const gzipKb = total.gzip / 1024;
  const goal = gzipKb <= goalKb ? 'meets' : 'misses';
  console.log(`gzip total ${gzipKb.toFixed(1)} KB: ${goal} the ${goalKb} KB goal; ceiling ${ceilingKb} KB`);
  if (gzipKb > ceilingKb) {
    console.log(`  ! over the ${ceilingKb} KB ceiling`);
    exitCode = 1;
  }
} catch (e) {
  console.error(`size check failed: ${e.message}`);
  exitCode = 1;
} finally {
  server.stop();
}
process.exit(exitCode);
