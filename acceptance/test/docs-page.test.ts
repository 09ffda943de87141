import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium } from 'playwright-core';
import { GATEWAY_URL } from '../src/stack.js';
import { acceptance } from './support/stack.js';

// Issue 7: /docs, the ReDoc page of `make docs`, as a reader's browser shows it: headless Debian
// Chromium opens it through the acceptance gateway, and every operation of the bundled
// /openapi.json must be rendered, with its summary, from files the gateway serves (no CDN; the page's
// Content-Security-Policy blocks the logo ReDoc would fetch from its own).

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling Google's hosts, which this
// machine's closed network refuses; the profile is new and empty for every run.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Spec {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId: string; summary?: string }>>>;
}

describe('docs page: /docs renders every operation of /openapi.json in headless Chromium', function () {
  before(async function () {
    await acceptance(this);
  });

  it('shows each operation (ReDoc section operation/<operationId>) with its summary, loading nothing from elsewhere', async function () {
    this.timeout(120_000);
    const res = await fetch(`${GATEWAY_URL}/openapi.json`);
    expect(res.status, 'GET /openapi.json (make docs builds it)').to.equal(200);
    const spec = (await res.json()) as Spec;
    const operations = Object.values(spec.paths).flatMap((item) => METHODS.flatMap((m) => (item[m] ? [{ id: item[m].operationId, summary: item[m].summary ?? '' }] : [])));
    expect(operations.length).to.be.greaterThan(0);

    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (make test does)`);
    const profile = mkdtempSync(join(tmpdir(), 'docs-page-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      page.on('requestfinished', (request) => {
        const url = request.url();
        if (!url.startsWith(`${GATEWAY_URL}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) elsewhere.push(url);
      });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));

      const response = await page.goto(`${GATEWAY_URL}/docs`);
      expect(response?.status(), 'GET /docs').to.equal(200);
      await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 60_000 });

      const rendered = await page.$$eval('[data-section-id^="operation/"]', (sections) =>
        sections.map((s) => ({ id: (s.getAttribute('data-section-id') ?? '').slice('operation/'.length), heading: s.querySelector('h2')?.textContent?.trim() ?? '' })),
      );
      const byId = new Map(rendered.map((r) => [r.id, r.heading]));
      const missing = operations.filter((op) => !byId.has(op.id)).map((op) => op.id);
      expect(missing, 'operations ReDoc did not render').to.deep.equal([]);
      const wrongHeading = operations.filter((op) => byId.get(op.id) !== op.summary).map((op) => `${op.id}: '${byId.get(op.id)}' is not '${op.summary}'`);
      expect(wrongHeading, 'operations shown without their summary').to.deep.equal([]);
      expect(elsewhere, 'loaded from anything but the gateway').to.deep.equal([]);
      expect(pageErrors, 'errors on the page').to.deep.equal([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
