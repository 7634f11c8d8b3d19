// The product-polish defects, each checked as a person meets it: refused entries that keep
// what was typed, courses logged ahead, a Swedish Excel file, an invitee's rule set, dead
// file links, the firm overview in words, a phone, and the first steps of a new person.
// Every test runs with JavaScript on (hydrate) and off (ssr).
const { test, expect, expectNoAxeViolations, signIn, uniqueEmail, latestMail, codeAndLink, openAccountMenu } = require('./support');
const { pdf, courseWithPage } = require('./files');

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
// The server's today is the UTC date.
const now = new Date();
const year = now.getUTCFullYear();
const iso = (d) => d.toISOString().slice(0, 10);

/** Fills the first profile a new person is sent to, and saves it. */
async function firstProfile(page, { firm = 'Lind & Partners', name, title, ruleSet, birth } = {}) {
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  if (firm) await page.getByLabel('Firm name').fill(firm);
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Professional title').selectOption(title);
  if (ruleSet) await page.getByLabel('Rule set').selectOption(ruleSet);
  if (birth) await page.getByLabel('Date of birth (optional)').fill(birth);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
}

/** The header's language switch (a plain form: it works without JavaScript too). */
async function switchLanguage(page, language) {
  await page.getByRole('button', { name: language, exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language === 'Svenska' ? 'sv' : 'en');
}

/** Logs a course through the form. */
async function logCourse(page, { date, title, hours }) {
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(date);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Hours', { exact: true }).fill(hours);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The course is logged.')).toBeVisible();
}

/** The owner on `page` invites `email`; returns the path of the link in the real mail. */
async function invite(page, request, email) {
  await page.goto('/firm/members');
  const before = Date.now() - 1000;
  await page.getByLabel('Their work email').fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('The invitation is on its way.')).toBeVisible();
  const mail = await latestMail(request, email, { after: before });
  return mail.text.match(/https?:\/\/\S+\/invite\?\S+/)[0].replace(/^https?:\/\/[^/]+/, '');
}

/** The invitee opens the link in their own browser, joins and signs in with the code. */
async function join(browser, request, link, email) {
  const context = await browser.newContext({ javaScriptEnabled: withJs() });
  const other = await context.newPage();
  await other.goto(link);
  const chose = Date.now() - 1000;
  await other.getByRole('button', { name: /^Join .+ and send the code$/ }).click();
  await expect(other.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  const { code } = codeAndLink(await latestMail(request, email, { after: chose }));
  await other.getByLabel('6-digit code').fill(code);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/account\/profile\?welcome=1$/);
  return { context, other };
}

// ---------------------------------------------------------------------------------------
// 1. A refused entry keeps every field as typed, names each wrong field, and has a clean URL.

const entryWords = {
  en: {
    date: 'Date', title: 'Title', provider: 'Provider', hours: 'Hours', notes: 'Notes', save: 'Save',
    summary: 'Check these fields',
    dateError: 'Enter the date of the course: from 1950 and at most a year ahead.',
    hoursError: 'Enter hours between 0.25 and 24, in quarter hours (such as 1.5).',
  },
  sv: {
    date: 'Datum', title: 'Titel', provider: 'Arrangör', hours: 'Timmar', notes: 'Anteckningar', save: 'Spara',
    summary: 'Kontrollera de här fälten',
    dateError: 'Ange utbildningens datum: från 1950 och högst ett år framåt.',
    hoursError: 'Ange timmar mellan 0,25 och 24, i kvartstimmar (till exempel 1,5).',
  },
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const lang of ['en', 'sv']) {
  test(`1. a refused entry keeps every field as typed and names each wrong field (${lang.toUpperCase()})`, async ({ page, request }) => {
    const w = entryWords[lang];
    await signIn(page, request);
    await page.goto('/log/new');
    if (lang === 'sv') await switchLanguage(page, 'Svenska');
    const field = (label) => page.getByLabel(label, { exact: true });
    await field(w.date).fill('2040-03-01');
    await field(w.title).fill('Skiljeförfarande i praktiken');
    await field(w.provider).fill('Juridicum');
    await field(w.hours).fill('25');
    await field('E-learning').check();
    await field(w.notes).fill('Två dagar, med övningar.');
    await page.getByRole('button', { name: w.save }).click();

    // A summary at the top, linking to each wrong field.
    const summary = page.getByRole('alert', { name: w.summary });
    await expect(summary).toBeVisible();
    await expect(summary.getByRole('link', { name: w.dateError })).toHaveAttribute('href', '#date');
    await expect(summary.getByRole('link', { name: w.hoursError })).toHaveAttribute('href', '#hours');
    // Each wrong field says why, and is marked wrong.
    await expect(field(w.date)).toHaveAccessibleDescription(new RegExp(escape(w.dateError)));
    await expect(field(w.hours)).toHaveAccessibleDescription(new RegExp(escape(w.hoursError)));
    await expect(field(w.date)).toHaveAttribute('aria-invalid', 'true');
    await expect(field(w.hours)).toHaveAttribute('aria-invalid', 'true');
    await expect(field(w.title)).toHaveAttribute('aria-invalid', 'false');
    // Everything as typed.
    await expect(field(w.date)).toHaveValue('2040-03-01');
    await expect(field(w.title)).toHaveValue('Skiljeförfarande i praktiken');
    await expect(field(w.provider)).toHaveValue('Juridicum');
    await expect(field(w.hours)).toHaveValue('25');
    await expect(field('E-learning')).toBeChecked();
    await expect(field(w.notes)).toHaveValue('Två dagar, med övningar.');
    // No error in the address.
    expect(page.url()).not.toMatch(/__err|__path/);
    await expectNoAxeViolations(page);
  });
}

// ---------------------------------------------------------------------------------------
// 2. A course dated after today is announced where totals appear and marked in the log.

test('2. a course dated after today is announced on the dashboard and the log, and marked', async ({ page, request }) => {
  const lastDay = now.getUTCMonth() === 11 && now.getUTCDate() === 31;
  // The last day of the year; on that day itself, tomorrow.
  const ahead = lastDay ? new Date(Date.UTC(year + 1, 0, 1)) : new Date(Date.UTC(year, 11, 31));
  const shown = lastDay ? '1 Jan' : '31 Dec';
  const aheadYear = ahead.getUTCFullYear();
  await signIn(page, request);
  await firstProfile(page, { name: 'Anna Berg', title: 'advokat' });
  await logCourse(page, { date: iso(ahead), title: 'Year-end ethics', hours: '3' });
  if (!lastDay) await logCourse(page, { date: `${year}-01-15`, title: 'Tax law', hours: '2' });
  const notice = `1 course dated after today is not counted yet: 3 h on ${shown}.`;

  await page.goto(`/dashboard?year=${aheadYear}`);
  await expect(page.getByRole('note').filter({ hasText: 'after today' })).toHaveText(notice);
  await expect(page.getByTestId('summary').getByTestId('counted')).toHaveText(lastDay ? '0' : '2');

  await page.goto(`/log?year=${aheadYear}`);
  await expect(page.getByRole('note').filter({ hasText: 'after today' })).toHaveText(notice);
  await expect(page.getByRole('row', { name: /Year-end ethics/ })).toContainText('Counts from its date');
  if (!lastDay) await expect(page.getByRole('row', { name: /Tax law/ })).not.toContainText('Counts from its date');
});

// ---------------------------------------------------------------------------------------
// 3. A Windows-1252 file with Swedish headers and values imports exactly (SV).

test('3. a Windows-1252 CSV with Swedish headers imports exactly (SV)', async ({ page, request }) => {
  await signIn(page, request);
  await page.goto('/log/import');
  await switchLanguage(page, 'Svenska');
  await expect(page.getByRole('heading', { level: 1, name: 'Importera CSV' })).toBeVisible();
  const text = [
    'datum;titel;timmar;kategori;anordnare',
    `${year}-03-12;Arbetsrätt;3,5;lärarledd;Advokatsamfundet`,
    `${year}-04-02;Skatterätt på nätet;2;e-learning;Juristförbundet Göteborg`,
  ].join('\r\n');
  const buffer = Buffer.from(text, 'latin1');
  expect(buffer.includes(Buffer.from([0xe4]))).toBe(true); // "ä" as one Windows-1252 byte
  await page.getByLabel('CSV-fil').setInputFiles({ name: 'kurser.csv', mimeType: 'text/csv', buffer });
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Kan importeras' })).toHaveText('Kan importeras: 2 · Med fel: 0');
  const columns = page.getByRole('region', { name: 'Kolumner' });
  await expect(columns).toContainText('Läst som Windows-1252.');
  const mapping = columns.getByRole('listitem');
  await expect(mapping).toHaveCount(5);
  for (const [i, [header, taken]] of [
    ['datum', 'Datum'], ['titel', 'Titel'], ['timmar', 'Timmar'], ['kategori', 'Typ'], ['anordnare', 'Arrangör'],
  ].entries()) {
    await expect(mapping.nth(i)).toHaveText(new RegExp(`^\\s*${header}\\s*→\\s*${taken}\\s*$`));
  }
  await expect(page.getByRole('row', { name: /Arbetsrätt/ })).toContainText('OK');
  await expect(page.getByRole('main')).not.toContainText('\uFFFD');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Importera de giltiga raderna (2)' }).click();
  await expect(page.getByText('Importerade poster: 2')).toBeVisible();
  await page.goto(`/log?year=${year}`);
  await expect(page.getByTestId('log-total')).toHaveText('2 poster · 5,5 h');
  await expect(page.getByRole('cell', { name: /^Arbetsrätt/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: /^Skatterätt på nätet/ })).toContainText('Juristförbundet Göteborg');
  await expect(page.getByRole('main')).not.toContainText('\uFFFD');
});

// ---------------------------------------------------------------------------------------
// 4. An invitee's profile starts from the firm's default rule set.

test("4. an invitee's first profile starts from the firm's default rule set", async ({ page, request, browser }) => {
  test.setTimeout(60_000);
  await signIn(page, request);
  await firstProfile(page, { name: 'Olivia Owner', title: 'advokat' });
  await page.goto('/firm/settings');
  await page.getByLabel('Rule set for invited people').selectOption({ label: 'Ireland: Law Society (25 hours a year)' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByLabel('Rule set for invited people')).toHaveValue('ie-solicitor');

  const email = uniqueEmail('invitee');
  const { context, other } = await join(browser, request, await invite(page, request, email), email);
  await expect(other.getByLabel('Rule set')).toHaveValue('ie-solicitor');
  await firstProfile(other, { firm: null, name: 'Ivar Invitee', title: 'bitradande_jurist' });
  await expect(other.getByLabel('Rule set')).toHaveValue('ie-solicitor');
  await other.goto('/dashboard');
  const answer = other.getByTestId('answer');
  await expect(answer.getByTestId('answer-headline')).toHaveText(`25 h to go by 31 December ${year}`);
  await expect(answer).not.toContainText('Not required');
  await context.close();
});

// ---------------------------------------------------------------------------------------
// 7. A certificate link without access answers with an app page, never a blank one.

test('7. a certificate link without access answers with an app page and a way on', async ({ page, request, browser }) => {
  await courseWithPage(page, request, 'Private course');
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'intyg.pdf', mimeType: 'application/pdf', buffer: pdf('Certificate of attendance') },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();
  const open = page.getByRole('list', { name: 'Attached certificates' }).getByRole('link', { name: 'Open intyg.pdf' });
  await expect(open).toBeVisible();
  const certificateUrl = await open.getAttribute('href');
  const issued = await page.request.get(certificateUrl, { maxRedirects: 0 });
  expect(issued.status()).toBe(303);
  const signed = issued.headers()['location'];
  const tampered = signed.replace(/sig=(.)/, (_, c) => `sig=${c === '0' ? '1' : '0'}`);

  // Another person opens the first one's certificate.
  const context = await browser.newContext({ javaScriptEnabled: withJs() });
  const stranger = await context.newPage();
  await signIn(stranger, request);
  const notTheirs = await stranger.goto(certificateUrl);
  expect(notTheirs.status()).toBe(404);
  await expect(stranger.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await stranger.getByRole('main').getByRole('link', { name: 'Go to your dashboard' }).click();
  await expect(stranger.getByRole('heading', { level: 1, name: 'Your CPD dashboard' })).toBeVisible();
  await context.close();

  // The owner's own link with one character changed.
  const changed = await page.goto(tampered);
  expect(changed.status()).toBe(403);
  expect(changed.headers()['content-type']).toContain('text/html');
  await expect(page.getByRole('heading', { level: 1, name: 'This link has expired' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: 'Go to your dashboard' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: 'Open your log' })).toBeVisible();
  await expectNoAxeViolations(page);
});

// ---------------------------------------------------------------------------------------
// 10. The firm overview in words, with plurals right in both languages; a member's view.

test('10. the firm overview names rule sets in words with plurals right in both languages', async ({ page, request, browser }) => {
  test.setTimeout(60_000);
  await signIn(page, request);
  await firstProfile(page, { name: 'Olivia Owner', title: 'advokat' });
  await page.goto('/firm/overview');
  const count = page.getByRole('status').filter({ hasText: /at risk or not met|i riskzonen/ });
  const owner = page.getByRole('row', { name: /Olivia Owner/ });
  await expect(count).toHaveText(/^1 person · \d+ at risk or not met$/);
  await expect(owner.getByRole('cell').first()).toHaveText('Sveriges advokatsamfund (§36)');
  await switchLanguage(page, 'Svenska');
  await expect(count).toHaveText(/^1 person · \d+ i riskzonen eller inte uppfyllt$/);
  await switchLanguage(page, 'English');

  const email = uniqueEmail('member');
  const { context, other } = await join(browser, request, await invite(page, request, email), email);
  await firstProfile(other, { firm: null, name: 'Maja Member', title: 'other', ruleSet: 'none' });
  await context.close();

  await page.goto('/firm/overview');
  const member = page.getByRole('row', { name: /Maja Member/ });
  await expect(count).toHaveText(/^2 people · \d+ at risk or not met$/);
  await expect(member.getByRole('cell').first()).toHaveText('No hours requirement');
  const table = page.getByRole('table');
  await expect(table).not.toContainText('se-advokat');
  await expect(table).not.toContainText(/\bnone\b/);
  await switchLanguage(page, 'Svenska');
  await expect(count).toHaveText(/^2 personer · \d+ i riskzonen eller inte uppfyllt$/);
  await expect(member.getByRole('cell').first()).toHaveText('Inget timkrav');
  await expect(owner.getByRole('cell').first()).toHaveText('Sveriges advokatsamfund (36 §)');
  await switchLanguage(page, 'English');
});

test("10. an owner viewing a member sees the member's courses of the year, in words about them", async ({ page, request, browser }) => {
  test.setTimeout(60_000);
  await signIn(page, request);
  await firstProfile(page, { name: 'Olivia Owner', title: 'advokat' });
  const email = uniqueEmail('member');
  const { context, other } = await join(browser, request, await invite(page, request, email), email);
  await firstProfile(other, { firm: null, name: 'Maja Member', title: 'other', ruleSet: 'none' });
  await logCourse(other, { date: `${year}-02-01`, title: 'Ethics for lawyers', hours: '5' });
  await context.close();

  await page.goto('/firm/overview');
  await page.getByRole('row', { name: /Maja Member/ }).getByRole('link', { name: 'Maja Member' }).click();
  await expect(page.getByRole('heading', { name: 'Maja Member' })).toBeVisible();
  const courses = page.getByRole('region', { name: 'Courses this year' });
  await expect(courses.getByRole('row', { name: /Ethics for lawyers/ })).toContainText('5 h');
  await expect(page.getByRole('main')).not.toContainText('applies to you');
  await expect(page.getByRole('main')).not.toContainText(/\bnone\b/);
});

// ---------------------------------------------------------------------------------------
// 11. On a 390 px phone.

test.describe('11. on a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the import preview's reason column shows without sideways scrolling", async ({ page, request }) => {
    await signIn(page, request);
    await page.goto('/log/import');
    await page.getByLabel('CSV text').fill([
      'date,title,provider,hours,category',
      `${year}-01-20,Contract law,Juridicum,3,teacher-led`,
      `${year}-02-30,Impossible day of continuing professional development,Juridicum,2,teacher-led`,
    ].join('\n'));
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByText('Ready to import: 1 · With errors: 1')).toBeVisible();
    const reason = page.getByRole('row', { name: /Impossible day/ }).getByRole('cell', { name: /Enter a date as YYYY-MM-DD/ });
    await reason.scrollIntoViewIfNeeded();
    await expect(reason).toBeInViewport({ ratio: 1 });
    const box = await reason.boundingBox();
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, scrolled: window.scrollX }));
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.scrolled).toBe(0);
  });

  test("the invitation's sign-in page prefills the invited address", async ({ page, request, browser }) => {
    test.setTimeout(60_000);
    // The invited address already has an account (in a firm of its own).
    const existing = uniqueEmail('existing');
    const context = await browser.newContext({ javaScriptEnabled: withJs(), viewport: { width: 390, height: 844 } });
    const phone = await context.newPage();
    await signIn(phone, request, existing);
    await context.clearCookies();

    await signIn(page, request);
    await firstProfile(page, { name: 'Olivia Owner', title: 'advokat' });
    const link = await invite(page, request, existing);
    await phone.goto(link);
    await expect(phone.getByRole('status').filter({ hasText: `${existing} already has an account` })).toBeVisible();
    await expect(phone.getByLabel('Work email')).toHaveValue(existing);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const before = Date.now() - 1000;
    await phone.waitForTimeout(1200); // codes to one address are a second apart here
    await phone.getByRole('button', { name: 'Email me a code' }).click();
    await expect(phone.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
    await latestMail(request, existing, { after: before });
    await context.close();
  });
});

// ---------------------------------------------------------------------------------------
// 12. A new person's first steps.

test('12. a new person\'s first profile has no title chosen for them', async ({ page, request }) => {
  await signIn(page, request);
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  const title = page.getByLabel('Professional title');
  await expect(title).toHaveValue('');
  await expect(title).not.toHaveValue('other');
  // Saving without choosing asks for the title.
  await page.getByLabel('Firm name').fill('Lind & Partners');
  await page.getByLabel('Full name').fill('Nils Ny');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose your title');
  await expect(title).toHaveValue('');
});

test('12. a 46-year-old is not offered the age-70 exemption', async ({ page, request }) => {
  await signIn(page, request);
  const born = `${year - 46}${iso(now).slice(4)}`;
  await firstProfile(page, { name: 'Anna Berg', title: 'advokat', birth: born.endsWith('02-29') ? `${year - 46}-02-28` : born });
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your CPD dashboard' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record exemption' })).toHaveCount(0);
  await expect(page.getByRole('main')).not.toContainText(/age[ -]70/);
  await page.getByRole('link', { name: 'Leave and exemptions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Leave and exemptions' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record exemption' })).toHaveCount(0);
  await expect(page.getByText('The exemption can be recorded from the year before you turn 70')).toBeVisible();
});

test('12. signing in from a deep link lands on that page', async ({ page, request }) => {
  const email = await signIn(page, request);
  await firstProfile(page, { name: 'Anna Berg', title: 'advokat' });
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

  await page.goto('/log/new');
  await expect(page.getByRole('alert')).toHaveText('Please sign in to continue.');
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.waitForTimeout(1200); // codes to one address are a second apart here
  const before = Date.now() - 1000;
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  const { code } = codeAndLink(await latestMail(request, email, { after: before }));
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/log\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Log a course' })).toBeVisible();
});

test('12. uploading the same certificate twice on one entry says so', async ({ page, request }) => {
  await courseWithPage(page, request, 'Arbitration day');
  const entryPage = new URL(page.url()).pathname;
  const file = { name: 'intyg.pdf', mimeType: 'application/pdf', buffer: pdf('Certificate of attendance') };
  const list = page.getByRole('list', { name: 'Attached certificates' });
  await page.getByLabel('Choose files').setInputFiles([file]);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(list.getByText('intyg.pdf', { exact: true })).toBeVisible();

  await page.getByLabel('Choose files').setInputFiles([file]);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByText('This file is already attached to this course; it was not added again: intyg.pdf')).toBeVisible();
  await page.goto(entryPage);
  await expect(list.getByText('intyg.pdf', { exact: true })).toHaveCount(1);
});
