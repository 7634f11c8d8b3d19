// The look of the main pages, kept as screenshots at a phone's width (390 px) and a
// desktop's (1280 px): a change in the design shows as an image diff in review. Each page
// is also checked for colour contrast (axe's rule) in the state shown, menus open included.
// Update the images with `npx playwright test look --update-snapshots` after a deliberate change.
const { test, expect, signIn, openAccountMenu } = require('./support');
const fs = require('fs');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const year = new Date().getFullYear();

async function expectContrast(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } }),
  );
  const readable = result.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`));
  expect(readable, readable.join('\n')).toEqual([]);
}

// Dates, days left and addresses change from run to run; they are masked, and a little
// difference (a year's digits) is tolerated.
const shot = { fullPage: true, maxDiffPixelRatio: 0.02, threshold: 0.3, animations: 'disabled' };

async function snap(page, name, masks = []) {
  await expectContrast(page);
  await expect(page).toHaveScreenshot(`${name}.png`, { ...shot, mask: masks });
}

const widths = [
  { label: 'phone', width: 390, height: 844 },
  { label: 'desktop', width: 1280, height: 800 },
];

test.describe('the look of the main pages', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'the screenshots are taken once, hydrated');

  for (const { label, width, height } of widths) {
    test(`signed out, ${label}`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.goto('/');
      await snap(page, `home-${label}`);
      await page.goto('/sign-in');
      await snap(page, `sign-in-${label}`);
    });

    test(`signed in, ${label}`, async ({ page, request }) => {
      await page.setViewportSize({ width, height });
      const email = await signIn(page, request);
      await page.getByLabel('Firm name').fill('Berg Advokatbyrå AB');
      await page.getByLabel('Full name').fill('Anna Berg');
      await page.getByLabel('Professional title').selectOption('advokat');
      await page.getByLabel('Admission date').fill('2015-09-01');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByText('Saved.')).toBeVisible();
      for (const [date, title, hours] of [[`${year}-03-02`, 'Procedural law day', '6'], [`${year}-05-11`, 'Tax law update', '4']]) {
        await page.goto('/log/new');
        await page.getByLabel('Date', { exact: true }).fill(date);
        await page.getByLabel('Title', { exact: true }).fill(title);
        await page.getByLabel('Hours', { exact: true }).fill(hours);
        await page.getByRole('button', { name: 'Save' }).click();
        await expect(page.getByText('The course is logged.')).toBeVisible();
      }
      const dynamic = [page.getByTestId('days-left'), page.getByRole('main').getByText(email)];
      await page.goto('/dashboard');
      await expect(page.getByTestId('answer')).toBeVisible();
      await snap(page, `dashboard-${label}`, dynamic);
      await page.goto('/log');
      await snap(page, `log-${label}`, dynamic);
      await page.goto('/log/new');
      await snap(page, `new-entry-${label}`, dynamic);
      await page.goto('/log');
      await page.getByRole('link', { name: /Edit Procedural law day/ }).click();
      await expect(page.getByRole('heading', { name: 'Certificates' })).toBeVisible();
      await snap(page, `entry-certificates-${label}`, dynamic);
      await page.goto('/reports');
      await snap(page, `reports-${label}`, dynamic);
      await page.goto('/firm/overview');
      await snap(page, `firm-overview-${label}`, dynamic);
      await page.goto('/dashboard');
      if (width < 768) {
        await page.locator('summary').filter({ hasText: /^\s*Menu\s*$/ }).click();
      } else {
        await openAccountMenu(page);
      }
      await expectContrast(page);
      await expect(page).toHaveScreenshot(`menu-open-${label}.png`, { ...shot, fullPage: false, mask: dynamic });
    });
  }
});
