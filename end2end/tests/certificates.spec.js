// Certificates as people attach them: a PDF from a laptop and a photo from a phone, seen
// on the course, opened through links that expire, and a wrong file refused with a
// message that says what to do. Runs with JavaScript on (progress bars, one request per
// file) and off (one plain form post).
const { test, expect, expectNoAxeViolations } = require('./support');
const { pdf, png, courseWithPage } = require('./files');

const withJs = () => test.info().project.use.javaScriptEnabled !== false;

test('a PDF and a photo are attached, shown, opened and deleted', async ({ page, request }) => {
  await courseWithPage(page, request, 'Arbitration day');
  await expect(page.getByText('No certificates yet.')).toBeVisible();
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'intyg.pdf', mimeType: 'application/pdf', buffer: pdf('Certificate of attendance') },
  ]);
  await page.getByLabel('Take a photo').setInputFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: png(320, 240, 7) },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();

  const list = page.getByRole('list', { name: 'Attached certificates' });
  await expect(list.getByText('intyg.pdf', { exact: true })).toBeVisible();
  await expect(list.getByText('photo.png', { exact: true })).toBeVisible();
  await expect(list.getByText('PDF · 1 page ·')).toBeVisible();
  // The photo shows: its image loaded through a signed link.
  const thumb = list.getByRole('img', { name: 'photo.png' });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img) => img.complete && img.naturalWidth)).toBe(320);
  await expectNoAxeViolations(page);

  // Opening goes through a fresh link that names its expiry and signature.
  const response = await page.request.get(await list.getByRole('link', { name: 'Open intyg.pdf' }).getAttribute('href'), { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  const location = response.headers()['location'];
  expect(location).toMatch(/^\/files\/[^?]+\?d=inline&exp=\d+&sig=[0-9a-f]{64}$/);
  const file = await page.request.get(location);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('application/pdf');
  expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');
  const exp = Number(new URL(location, 'http://x').searchParams.get('exp'));
  expect(exp - Date.now() / 1000).toBeGreaterThan(3500);
  expect(exp - Date.now() / 1000).toBeLessThanOrEqual(3600);
  const changed = location.replace(/sig=(.)/, (_, c) => `sig=${c === '0' ? '1' : '0'}`);
  expect((await page.request.get(changed)).status()).toBe(403);

  await list.getByLabel('Delete photo.png', { exact: true }).click();
  await list.getByRole('button', { name: 'Yes, delete photo.png' }).click();
  await expect(page.getByTestId('undo-notice')).toContainText('Deleted: “photo.png”.');
  await expect(list.getByText('photo.png', { exact: true })).toHaveCount(0);
  await expect(list.getByText('intyg.pdf', { exact: true })).toBeVisible();
});

test('a wrong file is refused with what to do, and nothing is attached', async ({ page, request }) => {
  await courseWithPage(page, request, 'Ethics seminar');
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><body>%PDF-1.7 not a pdf</body></html>') },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'only PDF, JPEG and PNG files are accepted' })).toBeVisible();
  if (!withJs()) await expect(page.getByText('notes.pdf')).toBeVisible();
  await expect(page.getByText('No certificates yet.')).toBeVisible();
});

test('a mixed upload lists what was accepted at once and shows the refusal in red', async ({ page, request }) => {
  await courseWithPage(page, request, 'Mixed upload');
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'good.pdf', mimeType: 'application/pdf', buffer: pdf('Certificate of attendance') },
    { name: 'bad.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>%PDF-1.7 not a pdf</html>') },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();
  const list = page.getByRole('list', { name: 'Attached certificates' });
  // Without a reload: the accepted file is in the list, "No certificates yet" is gone.
  await expect(list.getByText('good.pdf', { exact: true })).toBeVisible();
  await expect(page.getByText('No certificates yet.')).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'bad.pdf' }).or(page.getByRole('alert').filter({ hasText: 'only PDF, JPEG and PNG files are accepted' })).first()).toBeVisible();
  if (withJs()) {
    await expect(page.getByTestId('upload-row').filter({ hasText: 'bad.pdf' })).toHaveClass(/border-red-300/);
  }
});

test('on a phone, in Swedish, the camera is offered and a photo is attached', async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await courseWithPage(page, request, 'Skatterätt');
  // On a phone the language is in the menu.
  await page.locator('summary').filter({ hasText: /^\s*Menu\s*$/ }).click();
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Intyg' })).toBeVisible();
  const camera = page.getByLabel('Ta ett foto');
  await expect(camera).toHaveAttribute('capture', 'environment');
  await camera.setInputFiles([{ name: 'kvitto.png', mimeType: 'image/png', buffer: png(200, 300, 3) }]);
  await page.getByRole('button', { name: 'Ladda upp' }).click();
  await expect(page.getByRole('list', { name: 'Bifogade intyg' }).getByText('kvitto.png', { exact: true })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
});

test('files dropped on the form are uploaded with JavaScript; without it the form alone works', async ({ page, request }) => {
  await courseWithPage(page, request, 'Dropped course');
  const hint = page.getByText('Or drop files here');
  if (!withJs()) {
    // No script, no drop target promised: the file inputs and the Upload button do it all.
    await expect(hint).toHaveCount(0);
    await expect(page.getByLabel('Choose files')).toBeVisible();
    return;
  }
  await expect(hint).toBeVisible();
  const dataTransfer = await page.evaluateHandle(({ name, b64 }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'image/png' }));
    return dt;
  }, { name: 'dropped.png', b64: png(120, 90, 11).toString('base64') });
  await hint.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('upload-row').filter({ hasText: 'dropped.png' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Attached certificates' }).getByText('dropped.png', { exact: true })).toBeVisible();
});
