const { test, expect } = require('@playwright/test');
const { waitForHydration } = require('./support');

test('with JavaScript the quick check updates as the person types (proves hydration)', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'live updates need the hydrated page');
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto('/');
  await waitForHydration(page);
  const result = page.getByRole('status');
  await expect(result).toContainText('18 hours to go');

  await page.getByLabel('Teacher-led hours').fill('10');
  await expect(result).toContainText('8 hours to go');
  await page.getByLabel('E-learning hours').fill('8');
  // Only 6 of the 8 e-learning hours count.
  await expect(result).toContainText('2 hours to go');
  await expect(result).toContainText('2 e-learning hours above the cap do not count');
  await page.getByLabel('Teacher-led hours').fill('12.5');
  await expect(result).toContainText("You meet this year's minimum.");
  await page.getByLabel('Teacher-led hours').fill('1.1');
  await expect(result).toContainText('Teacher-led hours: use quarter hours');

  // Nothing was submitted: the page never left "/".
  await expect(page).toHaveURL(/\/$/);
  expect(errors).toEqual([]);
});

test('without JavaScript the quick check works as a plain form', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, 'this is the no-JavaScript path');
  await page.goto('/');
  await expect(page.getByText('The result updates as you type.')).toHaveCount(0);
  await page.getByLabel('Teacher-led hours').fill('10');
  await page.getByLabel('E-learning hours').fill('8');
  await page.getByRole('button', { name: 'Check my hours' }).click();
  await expect(page).toHaveURL(/teacher_led=10/);
  await expect(page.getByRole('status')).toContainText('2 hours to go');
  await expect(page.getByLabel('Teacher-led hours')).toHaveValue('10');
});

test('the quick check can be used with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Teacher-led hours').focus();
  await page.keyboard.type('18');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText("You meet this year's minimum.");
});
