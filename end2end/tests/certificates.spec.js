// Certificates as people attach them: a PDF from a laptop and a photo from a phone, seen
// on the course, opened through links that expire, and a wrong file refused with a
// message that says what to do. Runs with JavaScript on (progress bars, one request per
// file) and off (one plain form post).
const { test, expect, expectNoAxeViolations, signIn } = require('./support');
const zlib = require('zlib');

const withJs = () => test.info().project.use.javaScriptEnabled !== false;

/** A small valid PDF with one page (offsets computed, so strict readers accept it). */
function pdf(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let out = '%PDF-1.7\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A real PNG "photo" (RGB gradient), made with zlib. */
function png(width, height, seed) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x + seed) & 255; row[2 + x * 3] = y & 255; row[3 + x * 3] = 160;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function courseWithPage(page, request, title) {
  await signIn(page, request);
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(`${new Date().getFullYear()}-02-10`);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Hours', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The course is logged.')).toBeVisible();
  await page.getByRole('link', { name: `Edit ${title}` }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Certificates' })).toBeVisible();
}

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
  await expect(list.getByText('intyg.pdf')).toBeVisible();
  await expect(list.getByText('photo.png')).toBeVisible();
  await expect(list.getByText('PDF · 1 pages')).toBeVisible();
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

  await list.getByRole('button', { name: 'Delete photo.png' }).click();
  await expect(page.getByText('The certificate is deleted.')).toBeVisible();
  await expect(list.getByText('photo.png')).toHaveCount(0);
  await expect(list.getByText('intyg.pdf')).toBeVisible();
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

test('on a phone, in Swedish, the camera is offered and a photo is attached', async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await courseWithPage(page, request, 'Skatterätt');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Intyg' })).toBeVisible();
  const camera = page.getByLabel('Ta ett foto');
  await expect(camera).toHaveAttribute('capture', 'environment');
  await camera.setInputFiles([{ name: 'kvitto.png', mimeType: 'image/png', buffer: png(200, 300, 3) }]);
  await page.getByRole('button', { name: 'Ladda upp' }).click();
  await expect(page.getByRole('list', { name: 'Bifogade intyg' }).getByText('kvitto.png')).toBeVisible();
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
  await expect(page.getByText('Certificates attached: 1')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Attached certificates' }).getByText('dropped.png')).toBeVisible();
});
