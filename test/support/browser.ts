/**
 * Opening a page in headless Chromium as a person would, and checking what it drew: every chart's canvas has
 * ink on it, and the page asked the network for nothing (reports open from disk, the status page talks only
 * to its own server).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './cli.js';
import { CHROMIUM_ARGS } from './external-tools.js';

export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface PageCheck {
  /** Per chart container id: coloured pixels on its canvas (grid and axes are grey: only series count). */
  ink: Record<string, number>;
  /** Requests to anything but the page's own origin, file: or data: URLs. */
  foreignRequests: string[];
  errors: string[];
}

export async function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Load `url`, wait for the page's script to finish, screenshot it to test-artifacts/NAME.png, measure ink. */
export async function checkPage(browser: Browser, url: string, name: string): Promise<PageCheck> {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const origin = url.startsWith('http') ? new URL(url).origin : null;
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('file:') || u.startsWith('data:') || (origin && u.startsWith(origin))) return;
    foreignRequests.push(u);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const ink = await page.$$eval('.chart', (els) => {
      const out: Record<string, number> = {};
      for (const el of els) {
        // Charts in a select-box group are hidden but drawn; count each canvas as it is.
        let n = 0;
        for (const canvas of el.querySelectorAll('canvas')) {
          const ctx = canvas.getContext('2d');
          if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
          const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < px.length; i += 4) {
            const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
            if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) n++;
          }
        }
        out[el.id] = n;
      }
      return out;
    });
    return { ink, foreignRequests, errors };
  } finally {
    await page.close();
  }
}
