// Deleting one's account, as a person does it: confirm it is you, ask, see the date the
// data goes; sign in again within the 30 days and keep the account with one button.
const { test, expect, expectNoAxeViolations, signIn, stepUp, uniqueEmail } = require('./support');

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

  // Another day, another browser: signing in shows it on every page, with the way out.
  await context.clearCookies();
  await signIn(page, request, email);
  await page.goto('/dashboard');
  const notice = page.getByRole('alert').filter({ hasText: 'will be deleted on' });
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Keep my account' }).click();
  await expect(page.getByText('Your account is kept: nothing will be deleted.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByRole('alert').filter({ hasText: 'will be deleted on' })).toHaveCount(0);
});
