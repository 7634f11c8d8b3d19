// Helpers shared by the specs.
const fs = require('fs');
const base = require('@playwright/test');
const { expect } = base;

// Every test fails if the browser reports a Content-Security-Policy violation: the pages
// must hydrate and work under the strict, nonce-based policy the server sends.
const test = base.test.extend({
  cspViolations: [
    async ({ page }, use) => {
      const violations = [];
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
        });
      });
      page.on('console', (message) => {
        const text = message.text();
        if (text.startsWith('CSP violation') || text.includes('Content Security Policy')) violations.push(text);
      });
      await use(violations);
      expect(violations, violations.join('\n')).toEqual([]);
    },
    { auto: true },
  ],
});

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and fails with a readable list of any violation. */
async function expectNoAxeViolations(page) {
  if (test.info().project.use.javaScriptEnabled !== false) {
    await runAxe(page);
    return;
  }
  // With JavaScript off, axe (a driver-injected script) cannot schedule its work. Check the
  // same server-rendered page in a twin context with JavaScript on but the app's own
  // scripts blocked, so what axe sees is exactly what the no-JavaScript visitor gets.
  const context = page.context();
  const twin = await context.browser().newContext({
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    locale: await page.evaluate(() => navigator.language),
  });
  await twin.addCookies(await context.cookies());
  await twin.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  // The twin is served exactly the HTML this page got: a refused form or an upload is
  // answered at its post's address (/api/…, /certificates/upload), which a GET cannot fetch.
  const html = await page.content();
  await twin.route(page.url(), (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
  const twinPage = await twin.newPage();
  try {
    await twinPage.goto(page.url());
    await runAxe(twinPage);
  } finally {
    await twin.close();
  }
}

async function runAxe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  const readable = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(readable, readable.join('\n')).toEqual([]);
}

/** Waits until the page has hydrated (only meaningful with JavaScript on). */
async function waitForHydration(page) {
  await expect(page.getByText('The result updates as you type.').or(page.getByText('Resultatet uppdateras medan du skriver.'))).toBeVisible();
}

/** Opens the header's account menu (a disclosure), where the profile, security and sign-out live. */
async function openAccountMenu(page) {
  await page.locator('summary').filter({ hasText: /Account menu|Kontomeny/ }).click();
}

module.exports = { test, expect, expectNoAxeViolations, waitForHydration, openAccountMenu };

const crypto = require('crypto');

/** A fresh address for one test, so tests never share an account or a throttle. */
function uniqueEmail(prefix = 'person') {
  return `${prefix}.${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}@firm.example`;
}

/** The newest mail to `to` in maildev (whose subject matches `subject`, if given), waiting for it to arrive. */
async function latestMail(request, to, { after = 0, subject = null } = {}) {
  const api = process.env.E2E_MAIL_API;
  for (let i = 0; i < 100; i++) {
    const res = await request.get(`${api}/api/email?to.address=${encodeURIComponent(to)}`);
    const mails = (await res.json())
      .filter((m) => new Date(m.time).getTime() > after)
      .filter((m) => !subject || subject.test(m.subject));
    if (mails.length > 0) {
      mails.sort((a, b) => new Date(a.time) - new Date(b.time));
      return mails[mails.length - 1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to}`);
}

/** The 6-digit code and the sign-in link in a mail. */
function codeAndLink(mail) {
  const code = mail.subject.match(/(\d{6})\s*$/)[1];
  const link = mail.text.match(/https?:\/\/\S+\/sign-in\/link\?\S+/)[0];
  return { code, link };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from a base32 key: the test plays the phone app. */
function totp(base32, atMs = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** Signs in through the real pages with the code from the real mail; returns the address. */
// Codes to one address are at least a second apart here (SIGN_IN_CODE_INTERVAL_SECS=1):
// a test asking twice for one address waits out the rest of that second.
const lastCodeAt = new Map();
async function spaceCodes(page, email) {
  const wait = (lastCodeAt.get(email) || 0) + 1200 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
}

async function signIn(page, request, email = uniqueEmail()) {
  await spaceCodes(page, email);
  const before = Date.now() - 1000;
  await page.goto('/sign-in');
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  lastCodeAt.set(email, Date.now());
  // A code mail: other mail to the address (a notice) may arrive meanwhile.
  const { code } = codeAndLink(await latestMail(request, email, { after: before, subject: /\d{6}\s*$/ }));
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the code page is left behind (the session exists from then on).
  await expect(page).not.toHaveURL(/\/sign-in\/code/);
  return email;
}

/** Confirms it is the person on the Security page with an emailed code (no app). */
async function stepUp(page, request, email) {
  await page.goto('/account/security');
  await spaceCodes(page, email);
  const before = Date.now() - 1000;
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByText('We sent a code to your address.')).toBeVisible();
  lastCodeAt.set(email, Date.now());
  const mail = await latestMail(request, email, { after: before, subject: /\d{6}\s*$/ });
  const code = mail.subject.match(/(\d{6})\s*$/)[1];
  await page.getByLabel('The 6-digit code from the email').fill(code);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByText('Confirmed: for the next 10 minutes')).toBeVisible();
}

module.exports.stepUp = stepUp;
module.exports.uniqueEmail = uniqueEmail;
module.exports.latestMail = latestMail;
module.exports.codeAndLink = codeAndLink;
module.exports.totp = totp;
module.exports.signIn = signIn;
