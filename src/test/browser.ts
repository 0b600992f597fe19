import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package, or the binary named by RAPPORT_CHROMIUM_PATH. */
export function chromiumPath(): string {
  const path = process.env.RAPPORT_CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Browser tests need Chromium at ${path}. Install Debian's package (apt-get install chromium) or set RAPPORT_CHROMIUM_PATH.`,
    );
  }
  return path;
}

/**
 * Real headless Chromium for browser tests (playwright-core gives each launch a fresh, temporary
 * profile). The flags keep it off the network it does not need: a closed network refuses
 * Chromium's background calls to Google's hosts.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
