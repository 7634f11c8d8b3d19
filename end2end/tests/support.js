// Helpers shared by the specs.
const fs = require('fs');
const { test, expect } = require('@playwright/test');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and fails with a readable list of any violation. */
async function expectNoAxeViolations(page) {
  if (test.info().project.use.javaScriptEnabled !== false) {
    await runAxe(page);
    return;
  }
  // With JavaScript off, axe (a driver-injected script) cannot schedule its work. Check the
  // same server-rendered page in a twin context with JavaScript on but the app's own
  // scripts blocked, so what axe sees is exactly what the no-JavaScript visitor gets.
  const context = page.context();
  const twin = await context.browser().newContext({
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    locale: await page.evaluate(() => navigator.language),
  });
  await twin.addCookies(await context.cookies());
  await twin.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  const twinPage = await twin.newPage();
  try {
    await twinPage.goto(page.url());
    await runAxe(twinPage);
  } finally {
    await twin.close();
  }
}

async function runAxe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  const readable = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(readable, readable.join('\n')).toEqual([]);
}

/** Waits until the page has hydrated (only meaningful with JavaScript on). */
async function waitForHydration(page) {
  await expect(page.getByText('The result updates as you type.').or(page.getByText('Resultatet uppdateras medan du skriver.'))).toBeVisible();
}

module.exports = { expectNoAxeViolations, waitForHydration };
