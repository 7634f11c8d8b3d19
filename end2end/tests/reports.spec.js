// The annual report as an advokat makes it: one click for the year, progress while it is
// made, a PDF with the certificate inside, and the auditor's check on the public page.
// Runs with JavaScript on (the bar moves in place) and off (the page refreshes itself).
const { test, expect, expectNoAxeViolations } = require('./support');
const { pdf, courseWithPage } = require('./files');

test('an advokat makes the annual report and an auditor checks it', async ({ page, request }) => {
  test.setTimeout(90_000);
  await courseWithPage(page, request, 'Arbitration day');
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'intyg.pdf', mimeType: 'application/pdf', buffer: pdf('Certificate of attendance') },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('list', { name: 'Attached certificates' }).getByText('intyg.pdf', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Annual reports' })).toBeVisible();
  await expect(page.getByText('No reports yet.')).toBeVisible();
  const year = String(new Date().getFullYear());
  await expect(page.getByLabel('Year')).toHaveValue(year);
  await page.getByLabel('Language of the report').selectOption('en');
  await page.getByRole('button', { name: 'Create report' }).click();
  // While it is made the page says so and shows a progress bar; a small report may
  // already be ready when the page comes back.
  await expect(page.getByTestId('report')).toHaveCount(1);

  const download = page.getByRole('link', { name: `Download PDF Annual CPD report ${year} EN` });
  await expect(download).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('report-status')).toHaveText('Ready');
  await expect(page.getByText('Your report is being made.')).toHaveCount(0);
  await expectNoAxeViolations(page);

  // The download goes through a fresh link; the file is the PDF.
  const response = await page.request.get(await download.getAttribute('href'), { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  const file = await page.request.get(response.headers()['location']);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('application/pdf');
  expect(file.headers()['content-disposition']).toContain('attachment');
  const bytes = await file.body();
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

  // The auditor opens the verification page (as the QR code does) and checks the file.
  await page.getByRole('link', { name: `Verification page Annual CPD report ${year} EN` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check a CPD report' })).toBeVisible();
  await expect(page.getByText('This page shows no personal data.')).toBeVisible();
  await page.getByLabel('The PDF you were given').setInputFiles([
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: bytes },
  ]);
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByTestId('verify-outcome')).toHaveText(/has not been altered/);
  await expectNoAxeViolations(page);

  const altered = Buffer.from(bytes);
  altered[altered.length >> 1] ^= 1;
  await page.getByLabel('The PDF you were given').setInputFiles([
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: altered },
  ]);
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByTestId('verify-outcome')).toHaveText(/NOT the report we issued/);

  // Deleting it takes the file and its verification away.
  await page.goto('/reports');
  await page.getByLabel(`Delete report Annual CPD report ${year} EN`, { exact: true }).click();
  await page.getByRole('button', { name: `Yes, delete Annual CPD report ${year} EN` }).click();
  await expect(page.getByTestId('undo-notice')).toContainText(`Annual CPD report ${year}`);
  await expect(page.getByText('No reports yet.')).toBeVisible();
});
