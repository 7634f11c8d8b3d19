// Signing in as a person does: real pages, the real mail from a real SMTP server.
const { test, expect, expectNoAxeViolations, uniqueEmail, latestMail, codeAndLink, totp, signIn, stepUp, openAccountMenu } = require('./support');

test('a new person signs in with the emailed code and fills in the profile', async ({ page, request }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expectNoAxeViolations(page);
  const email = await signIn(page, request);

  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  await expect(page.getByText('Welcome! Fill in your profile to get started.')).toBeVisible();
  await expectNoAxeViolations(page);

  // A new firm is named by its owner.
  await page.getByLabel('Firm name').fill('Berg Advokatbyrå AB');
  // A bad date is refused with a clear message, and nothing is saved.
  await page.getByLabel('Full name').fill('Anna Berg');
  await page.getByLabel('Professional title').selectOption('advokat');
  await page.getByLabel('Admission date').fill('2999-01-01');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('The admission date cannot be in the future.');
  // Everything typed is still there, the wrong field says why.
  await expect(page.getByLabel('Full name')).toHaveValue('Anna Berg');
  await expect(page.getByLabel('Firm name')).toHaveValue('Berg Advokatbyrå AB');
  await expect(page.getByLabel('Professional title')).toHaveValue('advokat');

  await page.getByLabel('Full name').fill('Anna Berg');
  await page.getByLabel('Admission date').fill('2015-09-01');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue('Anna Berg');
  await expect(page.getByRole('main').getByText(email)).toBeVisible();

  // Signed in: the header's account menu offers the account pages and signing out.
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await openAccountMenu(page);
  await expect(page.getByRole('link', { name: 'Security', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/account/profile');
  await expect(page.getByRole('alert')).toHaveText('Please sign in to continue.');
});

test('the one-click link in the email signs in the browser that asked', async ({ page, request }) => {
  const email = uniqueEmail('link');
  const before = Date.now() - 1000;
  await page.goto('/sign-in');
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  const { link } = codeAndLink(await latestMail(request, email, { after: before }));
  await page.goto(link);
  await expect(page).toHaveURL(/\/account\/profile/);
  await expect(page.getByRole('main').getByText(email)).toBeVisible();
});

test('a wrong code gets a clear message and the right one still works', async ({ page, request }) => {
  const email = uniqueEmail('wrong');
  const before = Date.now() - 1000;
  await page.goto('/sign-in');
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  const { code } = codeAndLink(await latestMail(request, email, { after: before }));
  await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('That code is not right. Tries left: 4.');
  await expectNoAxeViolations(page);
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/profile/);
});

test('an authenticator app: enrol, then sign in with it', async ({ page, request, browser }) => {
  const email = await signIn(page, request);
  await openAccountMenu(page);
  await page.getByRole('link', { name: 'Security', exact: true }).click();
  // Adding the app is a sensitive change: first confirm it is you.
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'first confirm it is you' })).toBeVisible();
  await stepUp(page, request, email);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectNoAxeViolations(page);
  const key = (await page.getByTestId('totp-key').textContent()).trim();
  await page.getByLabel('The 6-digit code your app shows').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await expect(page.getByText('On: sign-in asks for a code from your app.')).toBeVisible();
  // They stay until the person says they are saved: a reload does not lose them.
  await page.reload();
  await expect(page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toHaveCount(0);

  // A second device signs in: the emailed code is not enough any more.
  const context = await browser.newContext();
  const phone = await context.newPage();
  await signIn(phone, request, email);
  await expect(phone).toHaveURL(/\/sign-in\/second-factor$/);
  await expect(phone.getByRole('heading', { level: 1, name: 'One more step' })).toBeVisible();
  // The next time step: the code used for enrolment may not be replayed.
  await phone.getByLabel('Code from your app, or a recovery code').fill(totp(key, Date.now() + 30_000));
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone.locator('summary').filter({ hasText: 'Account menu' })).toBeVisible();
  await context.close();
});

test('sessions: see where you are signed in, end one, sign out everywhere', async ({ page, request, browser }) => {
  const email = await signIn(page, request);
  const context = await browser.newContext();
  const other = await context.newPage();
  await signIn(other, request, email);

  await stepUp(page, request, email);
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3); // header + two sessions
  await expect(page.getByText('This device')).toHaveCount(1);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: /^Sign out this session/ }).click();
  await expect(page.getByText('The session was ended.')).toBeVisible();
  await expect(rows).toHaveCount(2);

  await other.goto('/account/profile');
  await expect(other.getByRole('alert')).toHaveText('Please sign in to continue.');
  await context.close();

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test.describe('in Swedish on a phone', () => {
  test.use({ locale: 'sv-SE', viewport: { width: 360, height: 740 } });

  test('sign-in works and speaks Swedish', async ({ page, request }) => {
    const email = uniqueEmail('sv');
    const before = Date.now() - 1000;
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
    await page.getByLabel('Jobbmejl').fill(email);
    await page.getByRole('button', { name: 'Mejla mig en kod' }).click();
    const mail = await latestMail(request, email, { after: before });
    expect(mail.subject).toContain('Din inloggningskod till CPD Registry');
    await page.getByLabel('Sexsiffrig kod').fill(codeAndLink(mail).code);
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Din profil' })).toBeVisible();
    // On a phone the sections fold into one menu, opened with the keyboard as with a tap.
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    await expect(nav.getByRole('link', { name: 'Logg' })).toBeHidden();
    await page.locator('summary').filter({ hasText: /^\s*Meny\s*$/ }).focus();
    await page.keyboard.press('Enter');
    await expect(nav.getByRole('link', { name: 'Logg' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Profil' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Logga ut' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page);
  });
});
