// The training log as an advokat uses it: log courses, watch the year's status change
// live while typing, import a CSV file with a bad row, keep leave up to date.
const { test, expect, expectNoAxeViolations, signIn } = require('./support');

const year = new Date().getFullYear();
const withJs = () => test.info().project.use.javaScriptEnabled !== false;

async function becomeAdvokat(page, request) {
  await signIn(page, request);
  await expect(page).toHaveURL(/\/account\/profile\?welcome=1$/);
  await page.getByLabel('Firm name').fill('Berg Advokatbyrå AB');
  await page.getByLabel('Full name').fill('Anna Berg');
  await page.getByLabel('Professional title').selectOption('advokat');
  await page.getByLabel('Admission date').fill('2015-09-01');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
}

async function logCourse(page, { date, title, hours, elearning = false }) {
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(date);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Hours', { exact: true }).fill(hours);
  if (elearning) await page.getByLabel('E-learning').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The course is logged.')).toBeVisible();
}

test('an advokat logs a year of courses and sees where they stand', async ({ page, request }) => {
  await becomeAdvokat(page, request);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your CPD dashboard' })).toBeVisible();
  const summary = page.getByTestId('summary');
  // The first answer in one card: the status in words, the hours to go, the next step.
  const answer = page.getByTestId('answer');
  await expect(answer.getByRole('heading', { name: `At risk ${year}` }).or(answer.getByRole('heading', { name: `On track ${year}` }))).toBeVisible();
  await expect(answer.getByTestId('answer-headline')).toHaveText(`18 h to go by 31 December ${year}`);
  await expect(answer.getByTestId('next-step')).toHaveText('Log 18 h before 31 Dec');
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Log a course' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log a course' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Date', { exact: true }).fill(`${year}-03-01`);
  await page.getByLabel('Title', { exact: true }).fill('Procedural law day');
  await page.getByLabel('Provider').fill('Advokatsamfundet');
  await page.getByLabel('Hours', { exact: true }).fill('12');
  const preview = page.getByRole('region', { name: 'Your year with this course' });
  if (withJs()) {
    // Live: the preview counts the course before it is saved, with no server round trip.
    await expect(preview.getByTestId('counted')).toHaveText('12');
    await page.getByLabel('Hours', { exact: true }).fill('18');
    await expect(preview.getByTestId('counted')).toHaveText('18');
    await expect(preview.getByText('Compliant')).toBeVisible();
    await page.getByLabel('Hours', { exact: true }).fill('12');
    await expect(preview.getByTestId('shortfall')).toHaveText('6');
  } else {
    await expect(preview.getByTestId('counted')).toHaveText('0');
  }
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The course is logged.')).toBeVisible();
  await expect(page.getByRole('cell', { name: /^Procedural law day/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // Nine e-learning hours: only six count.
  await logCourse(page, { date: `${year}-04-01`, title: 'GDPR online', hours: '9', elearning: true });
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(answer.getByRole('heading', { name: `Compliant ${year}` })).toBeVisible();
  await expect(answer.getByTestId('answer-headline')).toHaveText(`You meet the requirement for ${year}.`);
  // Met, but the courses have no certificates yet: that is the next step.
  await expect(answer.getByTestId('next-step')).toContainText('Add the missing certificate');
  await expect(summary.getByTestId('counted')).toHaveText('18');
  await expect(summary.getByTestId('e-learning')).toHaveText('6 / 6');
  await expect(summary.getByText('6 of the 9 e-learning hours logged count; 3 exceed the 6-hour cap.')).toBeVisible();
  await expect(page.getByRole('img', { name: /Hours by month: January 0, February 0, March 12, April 9/ })).toBeVisible();

  // A leave of four months lowers the requirement.
  await page.getByRole('link', { name: 'Leave and exemptions' }).click();
  await page.getByLabel('First day of leave').fill(`${year}-05-01`);
  await page.getByLabel('Last day of leave').fill(`${year}-08-31`);
  await page.getByRole('button', { name: 'Add leave' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(summary.getByTestId('required')).toHaveText('12');
  await expect(summary.getByText('6 surplus hours carry into ' + (year + 1) + '.')).toBeVisible();
});

test('entries can be changed, copied, found and deleted', async ({ page, request }) => {
  await becomeAdvokat(page, request);
  await logCourse(page, { date: `${year}-02-01`, title: 'Tax law', hours: '2,5' });
  await logCourse(page, { date: `${year}-02-15`, title: 'Ethics seminar', hours: '3' });

  await page.getByRole('link', { name: 'Edit Tax law' }).click();
  await expect(page.getByLabel('Hours', { exact: true })).toHaveValue('2.5');
  await page.getByLabel('Title', { exact: true }).fill('Tax law update');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Duplicate Ethics seminar' }).click();
  await expect(page.getByText('This is a copy: change what differs and save.')).toBeVisible();
  await page.getByLabel('Date', { exact: true }).fill(`${year}-03-15`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('log-total')).toHaveText('3 entries · 8.5 h');

  await page.getByLabel('Search').fill('tax');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('log-total')).toHaveText('1 entry · 2.5 h');
  await page.goto(`/log?year=${year}&sort=hours`);
  await expect(page.getByRole('row').nth(1)).toContainText('Ethics seminar');

  // Deleting asks first, then can be undone.
  await page.getByLabel('Delete Tax law update', { exact: true }).click();
  await page.getByRole('button', { name: 'Yes, delete Tax law update' }).click();
  await expect(page.getByTestId('undo-notice')).toContainText('Deleted: “Tax law update”.');
  await expect(page.getByTestId('log-total')).toHaveText('2 entries · 6 h');
  await page.getByRole('button', { name: 'Undo Tax law update' }).click();
  await expect(page.getByTestId('log-total')).toHaveText('3 entries · 8.5 h');
  await expect(page.getByTestId('undo-notice')).toHaveCount(0);
  await page.getByLabel('Delete Tax law update', { exact: true }).click();
  await page.getByRole('button', { name: 'Yes, delete Tax law update' }).click();
  await expect(page.getByTestId('log-total')).toHaveText('2 entries · 6 h');

  // A bad entry is refused with a message that says what to do, and nothing is saved.
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(`${year}-03-01`);
  await page.getByLabel('Title', { exact: true }).fill('Too long a day');
  await page.getByLabel('Hours', { exact: true }).fill('30');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter hours between 0.25 and 24, in quarter hours (such as 1.5).');
  await page.goto(`/log?year=${year}`);
  await expect(page.getByTestId('log-total')).toHaveText('2 entries · 6 h');
});

test('a CSV import shows the bad row and saves only what was confirmed', async ({ page, request }) => {
  await becomeAdvokat(page, request);
  await page.goto('/log');
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await expectNoAxeViolations(page);
  const csv = [
    'date,title,provider,hours,category',
    `${year}-01-20,Contract law,Juridicum,3,teacher-led`,
    `${year}-02-30,Impossible day,Juridicum,2,teacher-led`,
    `${year}-03-10,"Anti-money laundering, online",Firm,1.5,e-learning`,
  ].join('\n');
  await page.getByLabel('CSV text').fill(csv);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('Ready to import: 2 · With errors: 1')).toBeVisible();
  await expect(page.getByRole('row', { name: /Impossible day/ })).toContainText('Date: Enter a date as YYYY-MM-DD.');
  await expectNoAxeViolations(page);
  // Nothing is saved yet.
  await page.goto(`/log?year=${year}`);
  await expect(page.getByTestId('log-total')).toHaveText('0 entries · 0 h');
  await page.goBack();
  await page.getByRole('button', { name: 'Import the valid rows (2)' }).click();
  await expect(page.getByText('Entries imported: 2')).toBeVisible();
  await page.goto(`/log?year=${year}`);
  await expect(page.getByTestId('log-total')).toHaveText('2 entries · 4.5 h');
  await expect(page.getByRole('cell', { name: /^Anti-money laundering, online/ })).toBeVisible();
});

// On a slow line the form is typed into before the WASM arrives: once it hydrates, the
// preview answers for what was typed, and the field keeps it.
test('the preview counts what was typed before the page hydrated', async ({ page, request }) => {
  test.skip(!withJs(), 'hydration only happens with JavaScript');
  await becomeAdvokat(page, request);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto('/log/new');
  await page.getByLabel('Date', { exact: true }).fill(`${year}-03-01`);
  await page.getByLabel('Hours', { exact: true }).fill('18');
  release();
  const preview = page.getByRole('region', { name: 'Your year with this course' });
  await expect(preview.getByTestId('counted')).toHaveText('18');
  await expect(page.getByLabel('Hours', { exact: true })).toHaveValue('18');
});

// The preview and the server check a course with one function: what the server refuses,
// the preview does not count, and it says why before the form is sent.
test('the preview never counts what the server would refuse', async ({ page, request }) => {
  await becomeAdvokat(page, request);
  await page.goto('/log/new');
  const preview = page.getByRole('region', { name: 'Your year with this course' });
  await page.getByLabel('Date', { exact: true }).fill(`${year}-03-01`);
  await page.getByLabel('Title', { exact: true }).fill('A very long day');
  await page.getByLabel('Hours', { exact: true }).fill('30');
  if (withJs()) {
    await expect(preview.getByTestId('counted')).toHaveText('0');
    await expect(preview.getByRole('status')).toContainText('Enter hours between 0.25 and 24');
    await page.getByLabel('Hours', { exact: true }).fill('8');
    await page.getByLabel('Date', { exact: true }).fill(`${year + 10}-03-01`);
    await expect(preview.getByTestId('counted')).toHaveText('0');
    await expect(preview.getByRole('status')).toContainText('at most a year ahead');
    await page.getByLabel('Date', { exact: true }).fill(`${year}-03-01`);
    await expect(preview.getByTestId('counted')).toHaveText('8');
    await expect(preview.getByRole('status')).toHaveCount(0);
    await page.getByLabel('Hours', { exact: true }).fill('30');
  }
  // The server says the same of the same input, and keeps what was typed.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Enter hours between 0.25 and 24');
  await expect(page.getByLabel('Hours', { exact: true })).toHaveValue('30');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('A very long day');
});

// Several minimums missed at once: the answer says how many hours of which kind.
test('the dashboard says what kind of hours are missing', async ({ page, request }) => {
  await signIn(page, request);
  await page.getByLabel('Firm name').fill('Byrne Solicitors');
  await page.getByLabel('Full name').fill('Aoife Byrne');
  await page.getByLabel('Professional title').selectOption('other');
  await page.getByLabel('Rule set').selectOption('ie-solicitor');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await logCourse(page, { date: `${year}-01-01`, title: 'Litigation update', hours: '24' });
  await logCourse(page, { date: `${year}-01-01`, title: 'Contract law', hours: '1' });
  await page.goto('/dashboard');
  const answer = page.getByTestId('answer');
  await expect(answer.getByTestId('answer-headline')).toHaveText(`8 h to go by 31 December ${year}`);
  await expect(answer.getByTestId('answer-kinds')).toContainText('5 h of professional development and wellbeing and 3 h of client care and professional standards');
  await expect(page.getByTestId('shortfall')).toHaveText('8');
});
