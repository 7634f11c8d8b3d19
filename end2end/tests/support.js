// Helpers shared by the specs.
const fs = require('fs');
const { expect } = require('@playwright/test');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and fails with a readable list of any violation. */
async function expectNoAxeViolations(page) {
  // evaluate() works with JavaScript disabled too: it is the driver's script, not the page's.
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
