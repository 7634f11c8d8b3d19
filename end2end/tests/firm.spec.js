// A managing partner brings a colleague in: invitation from the real SMTP server, the
// colleague's first course, the overview; then blocking signs the colleague out at once.
const { test, expect, expectNoAxeViolations, uniqueEmail, latestMail, codeAndLink, signIn } = require('./support');

test('an owner invites a colleague, sees their course in the overview, and can block them', async ({ page, request, browser }) => {
  await signIn(page, request);
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  // The firm is named on the owner's first profile; its invitations carry that name.
  await page.getByLabel('Firm name').fill('Lind Advokatbyrå AB');
  await page.getByLabel('Full name').fill('Maria Lind');
  await page.getByLabel('Professional title').selectOption('advokat');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('link', { name: 'Firm' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Firm overview' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'People' }).click();
  await expectNoAxeViolations(page);

  const colleague = uniqueEmail('colleague');
  const before = Date.now() - 1000;
  await page.getByLabel('Their work email').fill(colleague);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('The invitation is on its way.')).toBeVisible();
  await expect(page.getByText(colleague)).toBeVisible();

  // The colleague opens the link from the real mail, in their own browser.
  const invitation = await latestMail(request, colleague, { after: before });
  const link = invitation.text.match(/https?:\/\/\S+\/invite\?\S+/)[0];
  const context = await browser.newContext({ javaScriptEnabled: test.info().project.use.javaScriptEnabled !== false });
  const other = await context.newPage();
  await other.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  // The link names the firm and asks; nothing is joined until the colleague chooses to.
  await expect(other.getByRole('heading', { level: 2, name: 'Join Lind Advokatbyrå AB?' })).toBeVisible();
  await expect(other.getByText(`invited ${colleague}`)).toBeVisible();
  await expectNoAxeViolations(other);
  const chose = Date.now() - 1000;
  await other.getByRole('button', { name: /^Join .+ and send the code$/ }).click();
  await expect(other.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  const { code } = codeAndLink(await latestMail(request, colleague, { after: chose }));
  await other.getByLabel('6-digit code').fill(code);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/account\/profile\?welcome=1$/);
  await other.getByLabel('Full name').fill('Carl Colleague');
  await other.getByLabel('Professional title').selectOption('advokat');
  await other.getByRole('button', { name: 'Save' }).click();
  await expect(other.getByText('Saved.')).toBeVisible();
  const year = new Date().getFullYear();
  await other.goto('/log/new');
  await other.getByLabel('Date', { exact: true }).fill(`${year}-02-01`);
  await other.getByLabel('Title', { exact: true }).fill('Ethics for advokater');
  await other.getByLabel('Hours', { exact: true }).fill('5');
  await other.getByRole('button', { name: 'Save' }).click();
  await expect(other.getByText('The course is logged.')).toBeVisible();

  await page.goto('/firm/overview');
  const row = page.getByRole('row', { name: /Carl Colleague/ });
  await expect(row).toContainText('5 / 18');
  await row.getByRole('link', { name: 'Carl Colleague' }).click();
  await expect(page.getByRole('heading', { name: 'Carl Colleague' })).toBeVisible();
  await expect(page.getByTestId('counted')).toHaveText('5');

  // Blocked: the colleague's next page is the sign-in prompt.
  await page.goto('/firm/members');
  await page.getByRole('button', { name: 'Block Carl Colleague' }).click();
  await expect(page.getByText('Blocked: every session of that person has ended.')).toBeVisible();
  await other.goto('/dashboard');
  await expect(other.getByRole('alert')).toHaveText('Please sign in to continue.');
  await context.close();
});
