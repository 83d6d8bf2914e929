// A mail's unsubscribe page in a real headless browser (Debian's chromium
// through puppeteer-core), driven by tests/api/mail.rs against a server it
// started, as a person who follows the link in a mail's text would use it.
//
// Usage: node unsubscribe.mjs '<json>' where the JSON holds
//   { "url": "http://127.0.0.1:PORT/mail/unsubscribe/<token>",
//     "question": "<the page's question>", "done": "<what it says after>",
//     "timeoutMs": 45000 }
// It checks, in order: the page shows the question and a button in the
// recipient's language and keeps to its content security policy; clicking
// the button posts the form to the same URL and the page says it is done.
// It prints one line per step passed and `passed`, or why, and exits 1.

import { launch } from './launch.mjs';

const options = JSON.parse(process.argv[2]);
const timeout = options.timeoutMs ?? 45000;
const step = (text) => console.log(`ok: ${text}`);
const { browser, close } = await launch('unsubscribe', timeout);

async function fail(reason) {
  console.log(`FAILED: ${reason}`);
  await close();
  process.exit(1);
}

const deadline = setTimeout(() => fail(`not done within ${timeout} ms`), timeout);

try {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });

  const shown = await page.goto(options.url, { waitUntil: 'load' });
  if (shown.status() !== 200) await fail(`the page answered ${shown.status()}`);
  const question = await page.$eval('p', (p) => p.textContent);
  if (question !== options.question) await fail(`the page asks ${JSON.stringify(question)}`);
  const button = await page.$('form[method="post"] button[type="submit"]');
  if (!button) await fail('no button to unsubscribe with');
  const violations = await page.evaluate(() => window.__violations);
  if (violations.length) await fail(`the content security policy was violated: ${violations.join(', ')}`);
  step('the page asks its question with a button, within its policy');

  const [answer] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  if (answer.request().method() !== 'POST') await fail(`the button sent ${answer.request().method()}`);
  if (answer.url() !== options.url) await fail(`the button posted to ${answer.url()}`);
  if (answer.status() !== 200) await fail(`the answer was ${answer.status()}`);
  const done = await page.$eval('p', (p) => p.textContent);
  if (done !== options.done) await fail(`the page then says ${JSON.stringify(done)}`);
  const after = await page.evaluate(() => window.__violations);
  if (after.length) await fail(`the content security policy was violated: ${after.join(', ')}`);
  if (errors.length) await fail(`page errors: ${errors.join(' | ')}`);
  step('the button unsubscribed and the page says so');
} catch (error) {
  await fail(String(error?.stack ?? error));
}

clearTimeout(deadline);
await close();
console.log('passed');
