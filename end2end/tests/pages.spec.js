const { test, expect, expectNoAxeViolations } = require('./support');

const pages = [
  { path: '/', heading: 'Your CPD hours, always audit-ready' },
  { path: '/security', heading: 'Security policy' },
  { path: '/data-processing', heading: 'Data processing terms' },
  { path: '/sub-processors', heading: 'Sub-processors' },
  { path: '/no-such-page', heading: 'Page not found' },
];

for (const { path, heading } of pages) {
  test(`${path} renders and has no accessibility violations`, async ({ page }) => {
    const errors = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByRole('contentinfo')).toContainText('never used to train AI models');
    await expectNoAxeViolations(page);
    // A 404 page logs its own status in the console; anything else is a bug.
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
}

test('the footer links reach every policy page', async ({ page }) => {
  await page.goto('/');
  const footer = page.getByRole('contentinfo');
  await footer.getByRole('link', { name: 'Security policy' }).click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Security policy');
  await footer.getByRole('link', { name: 'Data processing terms' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data processing terms');
  await footer.getByRole('link', { name: 'Sub-processors' }).click();
  await expect(page.getByRole('table')).toContainText('EU/EEA');
});

test('the skip link is the first stop for keyboard users and moves focus to the content', async ({ page }) => {
  await page.goto('/security');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('a 360 px phone screen needs no sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const { path } of pages) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
  }
  await expectNoAxeViolations(page);
});
