// Walks vecu's patient pages in headless Chromium on a small phone screen and runs axe-core
// (WCAG 2.0 and 2.1, levels A and AA, plus best practices) on each: welcome, a question page,
// a page showing errors, the review, and the page that sending an incomplete questionnaire
// brings back (the first missing answer, marked).
// Usage: node check.mjs http://127.0.0.1:PORT/s/TOKEN SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [link, out] = process.argv.slice(2);
const axeSource = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The pages forbid inline script (CSP); the checker is injected with CSP bypassed for it alone.
const page = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
let checked = 0;
let violations = 0;

async function check(name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  for (const v of result.violations) {
    violations += 1;
    console.log(`${name}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
  checked += 1;
  console.log(`${name}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}

await page.goto(link);
await check('welcome');
await page.click('button.primary');
await check('question-page');
// Keyboard only: Tab reaches the first answer, Space ticks it, and the form goes on with Enter.
const firstPage = page.url();
let focused = '';
for (let step = 0; step < 40 && focused !== 'radio' && focused !== 'checkbox'; step += 1) {
  await page.keyboard.press('Tab');
  focused = await page.evaluate(() => document.activeElement && document.activeElement.type);
}
if (focused !== 'radio' && focused !== 'checkbox') throw new Error('no answer can be reached with the Tab key');
await page.keyboard.press('Space');
if (!(await page.evaluate(() => document.activeElement.checked))) throw new Error('Space did not tick the answer');
await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
await page.waitForLoadState();
if (page.url() === firstPage) throw new Error('Enter did not submit the page');
console.log('keyboard: answered with Tab and Space, went on with Enter');
// Go on without answering until a required question stops us: the error summary page.
for (let step = 0; step < 15 && !(await page.$('.error-summary')); step += 1) {
  await page.click('button[value=next]');
}
if (!(await page.$('.error-summary'))) throw new Error('no page with a required question was reached');
await check('errors');
await page.goto(new URL('/q/review', link).href);
await check('review');
await page.click('button.primary');
await check('send-incomplete');
await browser.close();
console.log(`accessibility: ${checked - (violations ? 1 : 0)} passed, ${violations ? 1 : 0} failed (${checked} pages, ${violations} violations)`);
process.exit(violations ? 1 : 0);
