// GraphiQL in a real headless browser (Debian's chromium through
// puppeteer-core, which downloads no browser), driven by the Rust integration
// test tests/api/graphiql.rs against a server it started.
//
// Usage: node graphiql.mjs '<json>' where the JSON holds
//   { "address": "http://127.0.0.1:PORT", "token": "…", "network": "<global id>",
//     "name": "<the token's person's name>", "timeoutMs": 45000 }
// It opens the page as `serve --demo`'s link does (token and query in the
// fragment) and checks, in order:
//   - every request the page makes goes to the server's own host, and the
//     page's policy is never violated;
//   - the Docs pane shows the schema (Query, Network);
//   - the query from the link returns the person's name;
//   - a subscription to the network's events receives the event of a
//     mutation this script then sends over HTTP.
// It prints one line per step passed and exits 0, or prints why and where a
// screenshot is, and exits 1.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './launch.mjs';

const options = JSON.parse(process.argv[2]);
const address = new URL(options.address);
const timeout = options.timeoutMs ?? 45000;
const step = (text) => console.log(`ok: ${text}`);
// What the script is waiting for, for the failure message.
let current = 'the browser';
const now = (what) => {
  current = what;
};

const { browser, close } = await launch('graphiql', timeout);

let page;
const foreign = [];
const violations = [];
const errors = [];

let failed = false;
async function fail(reason) {
  // The first reason is the one that counts.
  if (failed) return new Promise(() => {});
  failed = true;
  let where = '';
  try {
    const shot = join(tmpdir(), `eendracht-graphiql-failure-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    where = ` (screenshot: ${shot})`;
  } catch (_) {
    // No page to photograph: the reason says enough.
  }
  console.log(`FAILED while waiting for ${current}: ${reason}${where}`);
  if (errors.length) console.log(`page errors: ${errors.join(' | ')}`);
  await close();
  process.exit(1);
}

const deadline = setTimeout(() => fail(`not done within ${timeout} ms`), timeout);

try {
  page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  await page.setViewport({ width: 1400, height: 900 });

  // Every request and WebSocket of the page, as the network layer sees them.
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const record = (url) => {
    const parsed = new URL(url);
    if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return;
    if (parsed.hostname !== address.hostname) foreign.push(url);
  };
  cdp.on('Network.requestWillBeSent', (event) => record(event.request.url));
  cdp.on('Network.webSocketCreated', (event) => record(event.url));
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });

  // The link `serve --demo` prints: token and query in the fragment.
  const query = '{ viewer { person { name } } }';
  const fragment = new URLSearchParams({ token: options.token, query }).toString();
  now('the page');
  await page.goto(`${address.origin}/graphql#${fragment}`, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container');
  await page.waitForSelector('.graphiql-query-editor .CodeMirror');

  const editorText = (selector) =>
    page.evaluate((s) => document.querySelector(s)?.CodeMirror?.getValue() ?? null, selector);
  const headers = await page.waitForFunction(
    () => {
      for (const element of document.querySelectorAll('.graphiql-editor-tool .CodeMirror')) {
        const text = element.CodeMirror?.getValue() ?? '';
        if (text.includes('Authorization')) return text;
      }
      return false;
    },
  );
  const headersText = await headers.jsonValue();
  if (!headersText.includes(`Bearer ${options.token}`)) await fail(`the headers editor holds ${headersText}`);
  if ((await editorText('.graphiql-query-editor .CodeMirror')) !== query) await fail('the query editor lacks the link\'s query');
  if (new URL(page.url()).hash) await fail(`the token stays in the address bar: ${page.url()}`);
  step('the link fills the headers and query editors, and leaves the address bar');

  // Docs: the schema's root types and its types.
  now('the Docs pane');
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(() => {
    const docs = document.querySelector('.graphiql-doc-explorer');
    if (!docs) return false;
    const names = new Set([...docs.querySelectorAll('*')].map((element) => element.textContent.trim()));
    return names.has('Query') && names.has('Network');
  });
  step('the Docs pane shows the schema');

  // A query returns data.
  now("the query's result");
  const resultText = () => editorText('.result-window .CodeMirror');
  await page.click('.graphiql-execute-button');
  await page
    .waitForFunction(
      (name) => document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue().includes(name),
      {},
      JSON.stringify(options.name),
    )
    .catch(async () => fail(`the query's result is ${await resultText()}`));
  step('a query returns data');

  // A subscription receives the event of a mutation sent over HTTP.
  now('the subscription to start');
  const subscription = `subscription { networkEvents(networkId: "${options.network}") { kind subjectId } }`;
  await page.evaluate(
    (text) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text),
    subscription,
  );
  await page.click('.graphiql-execute-button');
  await waitForListeners(1);
  now("the subscription's event");
  await rename(`Hernoemd ${Date.now()}`);
  await page
    .waitForFunction(
      () => document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue().includes('network.updated'),
    )
    .catch(async () => fail(`the subscription's result is ${await resultText()}`));
  step('a subscription receives an event');
  // Stop it (the same button), so the server sees the socket's operation end.
  await page.click('.graphiql-execute-button');

  if (foreign.length) await fail(`requests left ${address.hostname}: ${foreign.join(', ')}`);
  step(`every request went to ${address.hostname}`);
  violations.push(...(await page.evaluate(() => window.__violations)));
  if (violations.length) await fail(`the content security policy was violated: ${violations.join(', ')}`);
  step('the page kept to its content security policy');
} catch (error) {
  await fail(String(error?.stack ?? error));
}

clearTimeout(deadline);
await close();
console.log('passed');

// Waits until the server has `count` subscriptions listening (its gauge).
async function waitForListeners(count) {
  for (;;) {
    const metrics = await (await fetch(`${address.origin}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('eendracht_subscriptions_active '));
    if (line && Number(line.split(' ')[1]) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Renames the network over HTTP (one `network.updated` event).
async function rename(name) {
  const post = async (query, variables) => {
    const response = await fetch(`${address.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) await fail(`${query}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const { network } = await post('query($n: ID!) { network(id: $n) { version } }', { n: options.network });
  await post(
    'mutation($n: ID!, $v: Int!, $name: String!) { updateNetwork(input: { id: $n, expectedVersion: $v, name: $name }) { network { id } } }',
    { n: options.network, v: network.version, name },
  );
}
