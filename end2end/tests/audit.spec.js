// The firm's audit log as its owner sees it: verified, filterable, exportable.
const { test, expect, expectNoAxeViolations, signIn } = require('./support');

test('an owner sees the firm audit log verified and filters it', async ({ page, request }) => {
  const email = await signIn(page, request);
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  await page.getByRole('link', { name: 'Firm' }).click();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('The log is intact.');
  await expect(page.getByRole('cell', { name: 'auth.signed_in' })).toBeVisible();
  await expect(page.getByRole('cell', { name: email }).first()).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel('Action').selectOption('account.created');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/action=account.created/);
  await expect(page.getByRole('cell', { name: 'account.created' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'auth.signed_in' })).toHaveCount(0);
  const csv = page.getByRole('link', { name: 'Export these events (CSV)' });
  await expect(csv).toHaveAttribute('href', /\/firm\/audit\.csv\?action=account\.created/);
});
