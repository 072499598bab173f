// Walks vecu's patient pages in headless Chromium on a small phone screen and runs axe-core
// (WCAG 2.0 and 2.1, levels A and AA, plus best practices) on each: welcome, a question page,
// a page showing errors, the review, and the page that sending an incomplete questionnaire
// brings back (the first missing answer, marked). Then a second patient fills the whole
// questionnaire with the keyboard alone and sends it.
// Then the access-code page and the data-entry pages, and the public results page before and
// after the report is published.
// Usage: node check.mjs http://127.0.0.1:PORT/s/TOKEN SCREENSHOT_DIR http://127.0.0.1:PORT/s/TOKEN2
//        [RESEARCHER_KEY PARTNER_KEY DATA_ENTRY_KEY ACCESS_CODE HOSPITAL_KEY]
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { tocOverlaps } from './toc.mjs';

const [link, out, keyboardLink, researcherKey, partnerKey, entryKey, letterCode, hospitalKey] = process.argv.slice(2);
if (!keyboardLink) throw new Error('usage: node check.mjs LINK SCREENSHOT_DIR SECOND_LINK');
const messages = JSON.parse(readFileSync(new URL('../../crates/collect/src/messages.json', import.meta.url), 'utf8'));
const axeSource = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The pages forbid inline script (CSP); the checker is injected with CSP bypassed for it alone.
const page = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
let checked = 0;
let violations = 0;

async function check(name, target = page) {
  await target.evaluate(axeSource);
  const result = await target.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  for (const v of result.violations) {
    violations += 1;
    console.log(`${name}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
  checked += 1;
  console.log(`${name}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
  await target.screenshot({ path: `${out}/${name}.png`, fullPage: true });
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

// The whole questionnaire with the keyboard alone: Tab and Shift+Tab to move, the arrow keys to
// choose in a group of radio buttons, Space to tick, typing in fields, Enter to go on. Nothing is
// clicked and no field is filled by selector; the page is only read to decide which key to press.
const kb = await browser.newPage({ viewport: { width: 360, height: 740 } });

// What has the focus, as a keyboard user's screen reader would announce it.
function focusedControl() {
  return kb.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body' };
    const form = el.form;
    const group = form && el.name ? [...form.elements].filter((other) => other.name === el.name) : [];
    const hint = document.getElementById((el.getAttribute('aria-describedby') || '').split(' ')[0]);
    return {
      tag: el.tagName.toLowerCase(),
      type: el.type || '',
      value: el.value || '',
      checked: Boolean(el.checked),
      answered: group.some((other) => other.checked),
      numeric: Boolean(el.getAttribute('inputmode')),
      hint: hint ? hint.textContent : '',
      action: form ? form.getAttribute('action') : '',
    };
  });
}

// Presses Enter on the focused button and waits for the page it leads to.
async function enter() {
  await Promise.all([kb.waitForEvent('framenavigated'), kb.keyboard.press('Enter')]);
  await kb.waitForLoadState();
}

// Tabs from the top of the page until `wanted` holds for the focused element, answering on the
// way every question that has no answer yet; returns what has the focus.
async function tabTo(wanted) {
  for (let step = 0; step < 300; step += 1) {
    await kb.keyboard.press('Tab');
    const el = await focusedControl();
    if (wanted(el)) return el;
    if (el.type === 'radio' && !el.answered) {
      // Tab enters a group on its first option; the arrow keys choose (and come back to it).
      await kb.keyboard.press('ArrowDown');
      await kb.keyboard.press('ArrowUp');
      if (!(await focusedControl()).checked) throw new Error(`the arrow keys chose nothing on ${kb.url()}`);
    } else if (el.type === 'checkbox' && !el.answered) {
      await kb.keyboard.press('Space');
      if (!(await focusedControl()).checked) throw new Error(`Space ticked nothing on ${kb.url()}`);
    } else if (el.tag === 'select' && el.value === '') {
      await kb.keyboard.press('ArrowDown');
      if ((await focusedControl()).value === '') throw new Error(`ArrowDown chose nothing in a list on ${kb.url()}`);
    } else if ((el.tag === 'textarea' || el.type === 'text') && el.value === '') {
      // Numbers: the smallest allowed, which the hint gives first.
      await kb.keyboard.type(el.numeric ? (el.hint.match(/\d+/) || ['1'])[0] : 'Alles gut, danke.');
    }
  }
  throw new Error(`Tab never reached the wanted element on ${kb.url()}`);
}

await kb.goto(keyboardLink);
await tabTo((el) => el.tag === 'button' && el.action.endsWith('/start'));
await enter();
let pages = 0;
while (new URL(kb.url()).pathname !== '/q/review') {
  if (pages > 30) throw new Error('the keyboard never reached the review page');
  if (await kb.$('.error-summary')) throw new Error(`answers refused on ${kb.url()}`);
  const next = await tabTo((el) => el.tag === 'button' && el.value === 'next');
  // Shift+Tab goes back to the last answer, Tab comes back to Next.
  await kb.keyboard.press('Shift+Tab');
  const before = await focusedControl();
  if (before.tag === 'button' && before.value === next.value) throw new Error('Shift+Tab did not move back');
  await kb.keyboard.press('Tab');
  if ((await focusedControl()).value !== 'next') throw new Error('Tab did not come back to Next');
  await enter();
  pages += 1;
}
await tabTo((el) => el.tag === 'button' && el.action === '/q/submit');
await enter();
const lang = await kb.evaluate(() => document.documentElement.lang);
const heading = await kb.evaluate(() => document.querySelector('h1') && document.querySelector('h1').textContent);
if (heading !== messages.thanks_heading[lang]) throw new Error(`no thank-you page after sending: ${heading} (${kb.url()})`);
console.log(`keyboard: ${pages} pages answered and sent with the keyboard alone; the thank-you page says "${heading}"`);
// The thank-you page gives the address of the wave's public results page.
const resultsLink = await kb.evaluate(() => { const a = document.querySelector('a[href*="/results/"]'); return a && a.href; });
if (!resultsLink) throw new Error('the thank-you page gives no address for the results');
// The co-authors' pages: a researcher starts a report through the API, a patient partner signs
// in with their key and opens it.
if (researcherKey && partnerKey) {
  const base = new URL(link).origin;
  const api = async (path, key, body) => {
    const response = await fetch(base + path, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  // The web demo's wave (the letters wave stays open for the code pages below); reports analyse
  // closed waves only, and suppress below 10 respondents (the floor).
  const demo = (await api('/api/v1/waves', researcherKey)).find((wave) => wave.name === 'demo');
  await api(`/api/v1/waves/${demo.id}/close`, researcherKey, {});
  const { id } = await api(`/api/v1/waves/${demo.id}/reports`, researcherKey, { title: 'Rapport de démonstration', lang: 'fr', threshold: 10 });
  await api(`/api/v1/reports/${id}/blocks`, researcherKey, { finding: 'summary', kind: 'summary', text: 'Les patients ont répondu. Voici ce qu’ils disent.' });
  const team = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await team.goto(`${base}/team`);
  await check('team-sign-in', team);
  await team.fill('#key', partnerKey);
  await Promise.all([team.waitForURL('**/team/reports'), team.press('#key', 'Enter')]);
  await check('team-reports', team);
  await team.goto(`${base}/team/reports/${id}`);
  await check('team-report', team);
  await team.goto(`${base}/team/surveys`);
  await check('team-surveys', team);
  await Promise.all([team.waitForURL('**/team/surveys/*'), team.click('main ul a')]);
  await check('team-codesign', team);
  const surveyPage = team.url();
  // The preview of the questionnaire as patients see it, and its paper version.
  await team.goto(`${surveyPage}/preview?lang=fr`);
  await check('team-preview', team);
  await team.goto(`${surveyPage}/preview/0?lang=it`);
  await check('team-preview-question', team);
  await team.goto(`${surveyPage}/paper?lang=de`);
  await check('team-preview-paper', team);
  // The partner proposes a rewording of the first question with the keyboard alone: Tab to the
  // link, Enter, Tab to the French text, retype it, Tab to the reason, type it, Tab to Send, Enter.
  await team.goto(surveyPage);
  const tabToFocus = async (target, wanted) => {
    for (let step = 0; step < 400; step += 1) {
      await target.keyboard.press('Tab');
      if (await target.evaluate(wanted)) return;
    }
    throw new Error(`Tab never reached the wanted element on ${target.url()}`);
  };
  const press = async (target, key) => {
    await Promise.all([target.waitForEvent('framenavigated'), target.keyboard.press(key)]);
    await target.waitForLoadState();
  };
  await tabToFocus(team, () => (document.activeElement.getAttribute('href') || '').endsWith('/propose'));
  await press(team, 'Enter');
  await check('team-propose', team);
  await tabToFocus(team, () => document.activeElement.id === 'text_fr');
  await team.keyboard.press('Control+A');
  await team.keyboard.type('Comment s’est passée votre première visite ? (proposition)');
  await tabToFocus(team, () => document.activeElement.id === 'reword-reason');
  await team.keyboard.type('Plus court, et plus facile à lire quand on est fatigué.');
  await tabToFocus(team, () => document.activeElement.tagName === 'BUTTON' && document.activeElement.form.querySelector('[name=kind]').value === 'reword');
  await press(team, 'Enter');
  if (!new URL(team.url()).pathname.startsWith('/team/proposals/')) throw new Error(`the keyboard proposal did not open its page: ${team.url()}`);
  if (!(await team.$('ins'))) throw new Error('the proposal page does not show the new wording');
  await check('team-proposal', team);
  console.log('keyboard: a patient partner proposed a rewording with Tab, typing and Enter alone');
  const proposalPage = team.url();
  // Patients' comments, coded with the keyboard alone: from the comment's anchor, Tab to its
  // first theme, Space, Tab to the tone, an arrow key to choose, Tab to Save, Enter. Every key
  // pressed is counted: the coding throughput of the closing note.
  await api(`/api/v1/waves/${demo.id}/comments`, researcherKey, {});
  const comments = await api(`/api/v1/waves/${demo.id}/comments`, partnerKey);
  if (!comments.length) throw new Error('the demo wave has no comment to code');
  const codingPage = `${base}/team/waves/${demo.id}/comments`;
  await team.goto(`${codingPage}#comment-1`);
  await check('team-comments', team);
  let keys = 0;
  const key = async (name) => { keys += 1; await team.keyboard.press(name); };
  const focusedId = () => team.evaluate(() => document.activeElement && document.activeElement.id);
  await key('Tab');
  if (!(await focusedId()).startsWith('comment-1-theme-')) throw new Error(`Tab from the comment reached ${await focusedId()}, not its first theme`);
  await key('Space');
  while (!(await focusedId()).startsWith('comment-1-tone-')) {
    if (keys > 40) throw new Error('Tab never reached the tone');
    await key('Tab');
  }
  await key('ArrowDown');
  while (!(await team.evaluate(() => document.activeElement.tagName === 'BUTTON'))) {
    if (keys > 60) throw new Error('Tab never reached Save');
    await key('Tab');
  }
  keys += 1;
  await Promise.all([team.waitForEvent('framenavigated'), team.keyboard.press('Enter')]);
  await team.waitForLoadState();
  const mine = (await api(`/api/v1/waves/${demo.id}/comments`, partnerKey)).find((c) => c.mine);
  if (!mine || mine.mine.themes.length !== 1 || mine.mine.tone !== 'negative') throw new Error(`the keyboard coding was not saved: ${JSON.stringify(mine)}`);
  console.log(`keyboard: a comment coded (one theme, its tone) with ${keys} keystrokes and no click`);
  // The researcher codes it otherwise: the disagreement page.
  await fetch(`${base}/api/v1/comments/${mine.id}/code`, { method: 'PUT', headers: { Authorization: `Bearer ${researcherKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ themes: [], tone: 'mixed' }) });
  await team.goto(`${codingPage}/disagreements`);
  if (!(await team.$('form[action$="/settlement"]'))) throw new Error('no disagreement to settle');
  await check('team-disagreements', team);
  await api(`/api/v1/comments/${mine.id}/quotes`, partnerKey, { text: mine.text, lang: 'de' });
  await team.goto(`${base}/team/waves/${demo.id}/quotes`);
  await check('team-quotes', team);
  await team.goto(`${base}/team/waves/${demo.id}/coding-frame`);
  await check('team-coding-frame', team);
  // A researcher's list has the form that starts a report.
  const lead = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await lead.goto(`${base}/team?lang=de`);
  await lead.fill('#key', researcherKey);
  await Promise.all([lead.waitForURL('**/team/reports'), lead.press('#key', 'Enter')]);
  await check('team-reports-researcher', lead);
  // The researcher decides the partner's proposal: the new version and its differences.
  await lead.goto(proposalPage);
  await check('team-proposal-researcher', lead);
  await lead.check('#decision-accept');
  await lead.fill('#decision-reason', 'Plus clair pour tout le monde.');
  await Promise.all([lead.waitForEvent('framenavigated'), lead.click('form[action$="/decision"] button')]);
  await lead.waitForLoadState();
  await Promise.all([lead.waitForURL('**/diff/*'), lead.click('a[href*="/diff/"]')]);
  await check('team-diff', lead);
  // The report itself, as readers get it: one HTML file with its charts inline.
  const reader = await browser.newPage({ viewport: { width: 1024, height: 800 }, bypassCSP: true, extraHTTPHeaders: { Authorization: `Bearer ${partnerKey}` } });
  await reader.goto(`${base}/api/v1/reports/${id}/html`);
  await check('report-html', reader);
  // Its table of contents: no entry, number included, overlaps another, at any width or in print.
  for (const [media, width] of [['screen', 1280], ['screen', 1024], ['screen', 800], ['screen', 600], ['screen', 360], ['print', 760]]) {
    await reader.emulateMedia({ media });
    await reader.setViewportSize({ width, height: 800 });
    const toc = await tocOverlaps(reader);
    if (toc.entries < 5) throw new Error(`the report's table of contents has ${toc.entries} entries in ${media}`);
    if (toc.overlaps.length) throw new Error(`table of contents entries overlap at ${width}px (${media}): ${toc.overlaps.slice(0, 5).join('; ')}`);
  }
  console.log('report-html: table of contents without overlap at 1280, 1024, 800, 600 and 360 px and in print');
  await reader.emulateMedia({ media: 'screen' });
  // A hospital's key (bound to every site of the survey) signs in to the team pages, lands on
  // its sites' results and opens the first site's hospital report.
  if (hospitalKey) {
    const { sites } = await api(`/api/v1/waves/${demo.id}/sites`, researcherKey, {});
    if (!sites.length) throw new Error('no site results released');
    const hospital = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
    await hospital.goto(`${base}/team`);
    await hospital.fill('#key', hospitalKey);
    await Promise.all([hospital.waitForURL('**/team/sites'), hospital.press('#key', 'Enter')]);
    await check('team-sites', hospital);
    // A researcher's list of sites has a form per site for its report's language.
    await lead.goto(`${base}/team/sites`);
    if (!(await lead.locator('form[action$="/language"]').count())) throw new Error('no report language form on the researcher\'s sites page');
    await check('team-sites-researcher', lead);
    await Promise.all([hospital.waitForURL(`**/team/sites/${demo.id}/${sites[0]}`), hospital.click('main li a')]);
    await check('site-report', hospital);
  }
  // The public results page (no login, no cookie): before publication a page saying so (404),
  // then, once both roles approved and a researcher published, the results in French and German.
  // The page's path on this server (the address printed comes from the configured public URL).
  const results = new URL(new URL(resultsLink).pathname, base).href;
  const visitor = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const early = await visitor.goto(results);
  if (early.status() !== 404) throw new Error(`the results page before publication: ${early.status()}`);
  await check('results-not-published', visitor);
  await api(`/api/v1/reports/${id}/review`, researcherKey, {});
  await api(`/api/v1/reports/${id}/approve`, researcherKey, {});
  await api(`/api/v1/reports/${id}/approve`, partnerKey, {});
  await api(`/api/v1/reports/${id}/publish`, researcherKey, {});
  for (const lang of ['fr', 'de']) {
    const published = await visitor.goto(`${results}?lang=${lang}`);
    if (published.status() !== 200) throw new Error(`the results page after publication: ${published.status()}`);
    if ((await visitor.context().cookies()).length) throw new Error('the results page set a cookie');
    await check(`results-${lang}`, visitor);
  }
}
// Code mode: the access-code page printed on letters (a typing error, then the code typed with
// the keyboard alone), and the data-entry pages (log-in, code, the questionnaire, its errors).
if (entryKey && letterCode) {
  const origin = new URL(link).origin;
  await page.goto(`${origin}/code`);
  await check('code');
  const swapped = letterCode.replace(/-/g, '').replace(/^(.)(.)/, (all, a, b) => (a === b ? all : b + a));
  await page.fill('#code', swapped);
  await Promise.all([page.waitForEvent('framenavigated'), page.click('button.primary')]);
  await page.waitForLoadState();
  await check('code-error');
  await page.goto(`${origin}/code?lang=de`);
  for (let step = 0; step < 20 && (await page.evaluate(() => document.activeElement && document.activeElement.id)) !== 'code'; step += 1) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type(letterCode.toLowerCase().replace(/-/g, ' '));
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  await page.waitForLoadState();
  if (new URL(page.url()).pathname !== '/c/welcome') throw new Error(`the typed code did not open the questionnaire: ${page.url()}`);
  await check('code-welcome');
  console.log('keyboard: the access code typed in lower case with spaces opened the questionnaire');
  await page.goto(`${origin}/entry`);
  await check('entry-login');
  await page.fill('#key', entryKey);
  await Promise.all([page.waitForEvent('framenavigated'), page.click('button.primary')]);
  await page.waitForLoadState();
  await check('entry-code');
  await page.fill('#code', letterCode);
  await Promise.all([page.waitForEvent('framenavigated'), page.click('button.primary')]);
  await page.waitForLoadState();
  await check('entry-form');
  await page.fill('table.entry input[type=text] >> nth=0', '9999999');
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  await page.waitForLoadState();
  if (!(await page.$('.error-summary'))) throw new Error('the data-entry page took a line longer than its part');
  await check('entry-form-errors');
  // The language switch in the header: the questionnaire in German, then the code page, which
  // the session keeps in German.
  await Promise.all([page.waitForEvent('framenavigated'), page.click('header nav a[hreflang=de]')]);
  await page.waitForLoadState();
  if ((await page.evaluate(() => document.documentElement.lang)) !== 'de') throw new Error(`the data-entry language switch did not lead to German: ${page.url()}`);
  await check('entry-form-de');
  await page.goto(`${origin}/entry`);
  if ((await page.evaluate(() => document.documentElement.lang)) !== 'de') throw new Error('the data-entry session did not keep the language');
  await check('entry-code-de');
}
await browser.close();
console.log(`accessibility: ${checked - (violations ? 1 : 0)} passed, ${violations ? 1 : 0} failed (${checked} pages, ${violations} violations)`);
process.exit(violations ? 1 : 0);
