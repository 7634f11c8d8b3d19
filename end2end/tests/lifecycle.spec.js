// A person's data from start to end, as they do it: download everything as one ZIP
// (progress shown, no JavaScript needed); delete the account (confirm it is you, ask, see
// the date the data goes), then sign in again within the 30 days and keep it.
const { test, expect, expectNoAxeViolations, latestMail, openAccountMenu, signIn, stepUp, uniqueEmail } = require('./support');

test('a person asks to delete their account, then signs in within the hold and keeps it', async ({ page, request, context }) => {
  const email = uniqueEmail('leaving');
  await signIn(page, request, email);
  await page.goto('/account/security');
  const section = page.getByRole('region', { name: 'Delete your account' });
  // Not before confirming it is them.
  await expect(section.getByRole('button', { name: 'Delete my account in 30 days' })).toHaveCount(0);
  await expect(section.getByRole('link', { name: /First confirm it is you/ })).toBeVisible();
  await stepUp(page, request, email);
  await section.getByRole('button', { name: 'Delete my account in 30 days' }).click();
  await expect(page.getByText('Your account will be deleted in 30 days.')).toBeVisible();
  const due = new Date(Date.now() + 30 * 86400 * 1000).getUTCDate();
  await expect(page.getByRole('alert').filter({ hasText: 'will be deleted on' }).first()).toContainText(String(due));
  await expectNoAxeViolations(page);
  // Told by mail at once, with the date.
  const notice = await latestMail(request, email, { subject: /will be deleted/ });
  expect(notice.text).toContain('Keep my account');

  // Another day, another browser: signing in shows it on every page, with the way out.
  await context.clearCookies();
  await signIn(page, request, email);
  await page.goto('/dashboard');
  const banner = page.getByRole('alert').filter({ hasText: 'will be deleted on' });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Keep my account' }).click();
  await expect(page.getByText('Your account is kept: nothing will be deleted.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByRole('alert').filter({ hasText: 'will be deleted on' })).toHaveCount(0);
});

test('a person downloads all their data as one ZIP from the account menu', async ({ page, request }) => {
  const email = await signIn(page, request, uniqueEmail('export'));
  await page.goto('/dashboard');
  await openAccountMenu(page);
  await page.getByRole('link', { name: 'Your data' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your data' })).toBeVisible();
  // Everything leaves in one file: first confirm it is you.
  await expect(page.getByRole('button', { name: 'Download all my data' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /first confirm it is you/ })).toBeVisible();
  await stepUp(page, request, email);
  await page.goto('/account/data');
  await page.getByRole('button', { name: 'Download all my data' }).click();
  await expect(page.getByText('Your archive is being made.')).toBeVisible();
  // The page refreshes itself while the archive is made, with or without JavaScript.
  const link = page.getByRole('link', { name: /^Download ZIP/ });
  await expect(link).toBeVisible({ timeout: 30000 });
  await expectNoAxeViolations(page);
  if (test.info().project.use.javaScriptEnabled !== false) {
    const download = page.waitForEvent('download');
    await link.click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^cpd-registry-data-\d{4}-\d{2}-\d{2}\.zip$/);
  } else {
    const href = await link.getAttribute('href');
    const response = await page.request.get(href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/zip');
  }
});

test('an owner closes the firm, everyone is told, and the owner keeps it after all', async ({ page, request }) => {
  const email = await signIn(page, request, uniqueEmail('closing'));
  await page.goto('/firm/settings');
  const section = page.getByRole('region', { name: 'Close the firm' });
  await expect(section).toContainText('after 30 days');
  // Closing deletes everything: first confirm it is you.
  await section.getByLabel('Delete without an archive').check();
  await section.getByRole('button', { name: 'Close the firm' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'first confirm it is you' })).toBeVisible();
  await stepUp(page, request, email);
  await page.goto('/firm/settings');
  await section.getByLabel('Delete without an archive').check();
  await section.getByRole('button', { name: 'Close the firm' }).click();
  await expect(page.getByText('The firm is closing. Everyone has been told by mail.')).toBeVisible();
  // Every page says it, with the way to take one's data along.
  await page.goto('/dashboard');
  const banner = page.getByRole('alert').filter({ hasText: 'account is closing' });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('link', { name: 'Download your data' })).toBeVisible();
  const mail = await latestMail(request, email, { subject: /closing its CPD Registry account/ });
  expect(mail.text).toContain('download your data');
  await page.goto('/firm/settings');
  await expectNoAxeViolations(page);
  await section.getByRole('button', { name: 'Keep the firm' }).click();
  await expect(page.getByText('The closing is cancelled: nothing will be deleted.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByRole('alert').filter({ hasText: 'account is closing' })).toHaveCount(0);
});

test('a lawyer brings their history to a new firm: reviewed first, then added', async ({ page, request, context }) => {
  const year = new Date().getUTCFullYear();
  const before = await signIn(page, request, uniqueEmail('moving'));
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(`${year}-02-03`);
  await page.getByLabel('Title', { exact: true }).fill('Marknadsrätt');
  await page.getByLabel('Hours', { exact: true }).fill('7');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The course is logged.')).toBeVisible();
  await stepUp(page, request, before);
  await page.goto('/account/data');
  await page.getByRole('button', { name: 'Download all my data' }).click();
  const link = page.getByRole('link', { name: /^Download ZIP/ });
  await expect(link).toBeVisible({ timeout: 30000 });
  const archive = await (await page.request.get(await link.getAttribute('href'))).body();

  // At the new firm, with a new address.
  await context.clearCookies();
  await signIn(page, request, uniqueEmail('arrived'));
  await page.goto('/account/data');
  const section = page.getByRole('region', { name: 'Bring your history' });
  await section.getByLabel('Your archive (ZIP)').setInputFiles({ name: 'cpd-registry-data.zip', mimeType: 'application/zip', buffer: archive });
  await section.getByRole('button', { name: 'Check the archive' }).click();
  await expect(section.getByRole('status')).toContainText('1 new courses (0 already in your log)');
  await expectNoAxeViolations(page);
  // Nothing is in the log until it is confirmed.
  await page.goto(`/log?year=${year}`);
  await expect(page.getByText('Marknadsrätt')).toHaveCount(0);
  await page.goBack();
  await section.getByRole('button', { name: 'Add it to my log' }).click();
  await expect(section.getByText(/^Done: 1 courses/)).toBeVisible({ timeout: 30000 });
  await page.goto(`/log?year=${year}`);
  await expect(page.getByText('Marknadsrätt').first()).toBeVisible();
});
