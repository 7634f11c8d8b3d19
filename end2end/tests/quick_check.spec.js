const { test, expect, waitForHydration } = require('./support');

// One behaviour, two ways to reach it: live as the person types once the page has hydrated
// (project "hydrate"), and through the plain form submit without JavaScript (project "ssr").
test('the quick check answers in the browser: live with JavaScript, on submit without', async ({ page, javaScriptEnabled }) => {
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  const result = page.getByRole('status');
  await expect(result).toContainText('18 hours to go');

  if (javaScriptEnabled) {
    // Proves hydration: the note appears and the answer follows each keystroke.
    await waitForHydration(page);
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
  } else {
    await expect(page.getByText('The result updates as you type.')).toHaveCount(0);
    await page.getByLabel('Teacher-led hours').fill('10');
    await page.getByLabel('E-learning hours').fill('8');
    await page.getByRole('button', { name: 'Check my hours' }).click();
    await expect(page).toHaveURL(/teacher_led=10/);
    await expect(result).toContainText('2 hours to go');
    await expect(result).toContainText('2 e-learning hours above the cap do not count');
    await expect(page.getByLabel('Teacher-led hours')).toHaveValue('10');
  }
  expect(errors).toEqual([]);
});

test('the quick check can be used with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Teacher-led hours').focus();
  await page.keyboard.type('18');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText("You meet this year's minimum.");
});

// A person on a slow line types before the WASM arrives: hydration must take what they typed,
// not reset the field to the server's empty value.
test('what is typed before the page hydrates is kept', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'hydration only happens with JavaScript');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto('/');
  await page.getByLabel('Teacher-led hours').fill('18');
  release();
  await waitForHydration(page);
  await expect(page.getByLabel('Teacher-led hours')).toHaveValue('18');
  await expect(page.getByRole('status')).toContainText("You meet this year's minimum.");
});
