const { test, expect, signIn } = require('./support');
const year = new Date().getFullYear();
test('peek', async ({ page, request, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled);
  for (const w of [1280, 390]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.goto('/');
    await page.screenshot({ path: `/tmp/peek-home-${w}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, request);
  await page.getByLabel('Firm name').fill('Berg Advokatbyrå AB');
  await page.getByLabel('Full name').fill('Anna Berg');
  await page.getByLabel('Professional title').selectOption('advokat');
  await page.getByLabel('Admission date').fill('2015-09-01');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  for (const [d, t, h] of [[`${year}-03-01`, 'Procedural law day', '6'], [`${year}-05-11`, 'GDPR online', '4']]) {
    await page.goto('/log/new');
    await page.getByLabel('Date', { exact: true }).fill(d);
    await page.getByLabel('Title', { exact: true }).fill(t);
    await page.getByLabel('Hours', { exact: true }).fill(h);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('The course is logged.')).toBeVisible();
  }
  for (const w of [1280, 390]) {
    await page.setViewportSize({ width: w, height: 900 });
    for (const p of ['dashboard', 'log', 'log/new', 'reports', 'firm/overview', 'log/entry/' ]) {
      if (p.startsWith('log/entry')) continue;
      await page.goto('/' + p);
      await page.screenshot({ path: `/tmp/peek-${p.replace(/\//g, '_')}-${w}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/dashboard');
  await page.locator('summary').filter({ hasText: 'Account menu' }).click();
  await page.screenshot({ path: `/tmp/peek-menu-1280.png` });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.locator('summary').filter({ hasText: /^\s*Menu\s*$/ }).click();
  await page.screenshot({ path: `/tmp/peek-menu-390.png` });
});
