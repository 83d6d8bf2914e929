// Debian's chromium, headless, as every browser test here starts it: through
// puppeteer-core (which downloads no browser), with a fresh profile and the
// flags that keep it from calling out of this machine.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export async function launch(name, timeout) {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const profile = mkdtempSync(join(tmpdir(), `eendracht-${name}-`));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    // puppeteer's own defaults are replaced by exactly these.
    ignoreDefaultArgs: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    pipe: true,
    protocolTimeout: timeout,
  });
  const close = async () => {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close };
}
