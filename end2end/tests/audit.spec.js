// The firm's audit log as its owner sees it: verified, in words, a page at a time,
// filterable, exportable, and readable on a phone.
const { test, expect, expectNoAxeViolations, signIn } = require('./support');

test('an owner sees the firm audit log verified and filters it', async ({ page, request }) => {
  const email = await signIn(page, request);
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  await page.getByRole('link', { name: 'Firm' }).click();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('The log is intact.');
  // Events in words, people by their address; no codes, no backticks.
  await expect(page.getByRole('cell', { name: 'Signed in', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Account created', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: email }).first()).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('auth.signed_in');
  await expect(page.getByRole('main')).not.toContainText('`');
  await expect(page.getByText(/^Showing 1–\d+ of \d+$/)).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel('Action').selectOption({ label: 'Account created' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/action=account.created/);
  await expect(page.getByRole('cell', { name: 'Account created', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Signed in', exact: true })).toHaveCount(0);
  const csv = page.getByRole('link', { name: 'Export these events (CSV)' });
  await expect(csv).toHaveAttribute('href', /\/firm\/audit\.csv\?action=account\.created/);
});

test('the audit log goes back a page at a time, keeps the filter and fits a phone', async ({ page, request }) => {
  await signIn(page, request);
  // 55 exports of the training log: each is an event, more than one page of 50.
  for (let i = 0; i < 55; i += 1) {
    const response = await page.request.get('/log/export.csv');
    expect(response.status()).toBe(200);
  }
  await page.goto('/firm/audit');
  await page.getByLabel('Action').selectOption({ label: 'Training log exported' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('Showing 1–50 of 55', { exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Training log exported', exact: true })).toHaveCount(50);
  await expect(page.getByRole('link', { name: 'Newer' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Older' }).click();
  await expect(page).toHaveURL(/action=log\.entries_exported.*before=\d+/);
  await expect(page.getByText('Showing 51–55 of 55', { exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Training log exported', exact: true })).toHaveCount(5);
  await expect(page.getByRole('link', { name: 'Older' })).toHaveCount(0);
  await expect(page.getByLabel('Action')).toHaveValue('log.entries_exported');

  await page.getByRole('link', { name: 'Newer' }).click();
  await expect(page.getByText('Showing 1–50 of 55', { exact: true })).toBeVisible();

  // On a phone every event is readable and nothing runs off the side.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/firm/audit');
  await expect(page.getByRole('cell', { name: 'Training log exported', exact: true }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Older' })).toBeVisible();
  const widths = await page.evaluate(() => {
    const events = document.querySelector('[data-audit-events]');
    return {
      page: document.documentElement.scrollWidth,
      events: events.scrollWidth,
      eventsShown: events.clientWidth,
    };
  });
  expect(widths.page).toBeLessThanOrEqual(390);
  expect(widths.events).toBeLessThanOrEqual(widths.eventsShown);
  await expectNoAxeViolations(page);
});
