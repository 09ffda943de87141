import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type BrowserContext, chromium } from 'playwright-core';
import { GATEWAY_URL } from '../src/stack.js';
import { acceptance } from './support/stack.js';

// Issue 7: /docs, the ReDoc page of `make docs`, as a reader's browser shows it: headless Debian
// Chromium opens it through the acceptance gateway, and every operation of the bundled
// /openapi.json must be rendered, with its summary, from files the gateway serves (no CDN; the page's
// Content-Security-Policy blocks the logo ReDoc would fetch from its own). The client guides beside
// it (/docs/<guide>) open too, an error's problem `type` leads to its entry, and no link between
// them is broken.

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling Google's hosts, which this
// machine's closed network refuses; the profile is new and empty for every run.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Spec {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId: string; summary?: string }>>>;
}

describe('docs page: /docs in headless Chromium', function () {
  let browser: BrowserContext;
  let profile: string;

  before(async function () {
    await acceptance(this);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (make test does)`);
    profile = mkdtempSync(join(tmpdir(), 'docs-page-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  });

  after(async function () {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows each operation of /openapi.json (ReDoc section operation/<operationId>) with its summary, loading nothing from elsewhere', async function () {
    this.timeout(120_000);
    const res = await fetch(`${GATEWAY_URL}/openapi.json`);
    expect(res.status, 'GET /openapi.json (make docs builds it)').to.equal(200);
    const spec = (await res.json()) as Spec;
    const operations = Object.values(spec.paths).flatMap((item) => METHODS.flatMap((m) => (item[m] ? [{ id: item[m].operationId, summary: item[m].summary ?? '' }] : [])));
    expect(operations.length).to.be.greaterThan(0);

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
    await page.close();
  });

  it("an error's problem type opens its entry in the errors guide, and every /docs link of /docs and the guides answers", async function () {
    this.timeout(120_000);
    const problem = await fetch(`${GATEWAY_URL}/api/v1/products/${randomUUID()}`);
    const { type, code } = (await problem.json()) as { type: string; code: string };
    expect({ status: problem.status, type }).to.deep.equal({ status: 404, type: `/docs/errors#${code}` });

    const page = await browser.newPage();
    expect((await page.goto(`${GATEWAY_URL}${type}`))?.status(), `GET ${type}`).to.equal(200);
    expect(await page.locator(`[id="${code}"]`).count(), `the errors guide's entry for ${code}`).to.equal(1);

    // The ReDoc page links the guides; each guide links the others and the examples.
    await page.goto(`${GATEWAY_URL}/docs`);
    await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 60_000 });
    const linksOf = () => page.$$eval('a[href^="/docs"]', (anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
    const guides = [...new Set((await linksOf()).map((href) => href.split('#')[0] as string).filter((path) => /^\/docs\/[a-z-]+$/.test(path)))];
    expect(guides, 'guides linked from /docs').to.include.members(['/docs/quickstart', '/docs/errors', '/docs/checkout-flow']);
    const links = new Set<string>();
    for (const guide of guides) {
      expect((await page.goto(`${GATEWAY_URL}${guide}`))?.status(), `GET ${guide}`).to.equal(200);
      for (const href of await linksOf()) links.add(`${guide} → ${href}`);
    }
    const broken: string[] = [];
    for (const link of links) {
      const [from, href] = link.split(' → ') as [string, string];
      const [path, fragment] = href.split('#') as [string, string | undefined];
      if ((await fetch(`${GATEWAY_URL}${path}`)).status !== 200) broken.push(`${from}: ${href} does not answer 200`);
      else if (fragment) {
        await page.goto(`${GATEWAY_URL}${path}`);
        if ((await page.locator(`[id="${fragment}"]`).count()) === 0) broken.push(`${from}: ${href} has no element with id ${fragment}`);
      }
    }
    expect(broken, 'broken links').to.deep.equal([]);
    await page.close();
  });
});
