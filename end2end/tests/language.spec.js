const { test, expect, expectNoAxeViolations } = require('./support');

test('switching to Swedish translates the page and keeps the person where they were', async ({ page }) => {
  await page.goto('/security');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByRole('button', { name: 'Svenska' }).click();

  await expect(page).toHaveURL(/\/security$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Säkerhetspolicy');
  await expect(page.getByRole('button', { name: 'Svenska' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('link', { name: 'Hoppa till huvudinnehållet' })).toBeAttached();
  await expect(page.getByRole('contentinfo')).toContainText('används aldrig för att träna AI-modeller');
  await expectNoAxeViolations(page);

  // The choice sticks across pages, and can be undone.
  await page.getByRole('link', { name: 'Underbiträden' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Underbiträden');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sub-processors');
});

test.describe('a Swedish browser', () => {
  test.use({ locale: 'sv-SE' });

  test('gets Swedish pages without asking', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dina utbildningstimmar, alltid redo för revision');
    await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeVisible();
    await expectNoAxeViolations(page);
  });
});
