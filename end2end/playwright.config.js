// Browser tests in Debian's chromium (never a downloaded browser), each run twice:
// "hydrate" with JavaScript on, "ssr" with JavaScript off, proving every page works
// without JavaScript and hydrates with it.
const { defineConfig } = require('@playwright/test');
const path = require('path');
const os = require('os');
const fs = require('fs');

const port = Number(process.env.E2E_PORT || 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const serverBin = process.env.E2E_SERVER_BIN || path.join(targetDir, 'release', 'cpd-registry');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpd-e2e-'));
const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpd-e2e-mail-'));
// maildev: a real SMTP server with a REST API, so the tests read the mail a person would.
const smtpPort = Number(process.env.E2E_SMTP_PORT || 3125);
const mailWebPort = Number(process.env.E2E_MAIL_WEB_PORT || 3126);
process.env.E2E_MAIL_API = `http://127.0.0.1:${mailWebPort}`;

module.exports = defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'hydrate', use: { javaScriptEnabled: true } },
    { name: 'ssr', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: `${path.join(__dirname, 'node_modules', '.bin', 'maildev')} --ip 127.0.0.1 --smtp ${smtpPort} --web-ip 127.0.0.1 --web ${mailWebPort} --mail-directory ${mailDir}`,
      url: `http://127.0.0.1:${mailWebPort}/api/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
    command: serverBin,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      SITE_ADDR: `127.0.0.1:${port}`,
      SITE_ROOT: path.join(root, 'target', 'site'),
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite://${dataDir}/cpd.db`,
      LOG_FORMAT: 'json',
      RUST_LOG: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      // Several devices sign in as one person within seconds here; people wait a minute.
      SIGN_IN_CODE_INTERVAL_SECS: '1',
      // Every test signs in from 127.0.0.1: more than an office's hour of codes.
      SIGN_IN_CODES_PER_IP_HOUR: '5000',
    },
    },
  ],
});
