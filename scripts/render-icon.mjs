// Renders scripts/icon.svg to media/icon.png (256×256, the Marketplace icon) with Debian's
// Chromium through playwright-core (both already used by the e2e tests). Run after editing the
// SVG: `node scripts/render-icon.mjs`; the PNG is committed.
import { chromium } from 'playwright-core';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = fs.readFileSync(path.join(root, 'scripts/icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 256, height: 256 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(root, 'media/icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
