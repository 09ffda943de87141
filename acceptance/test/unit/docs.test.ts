/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside the repository, from its own listings */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../support/bus-topology.js';
import { orderFailureReasons, problemCodesInSource, problemCodesInSpecs } from '../support/problem-codes.js';

// The client guides and the runbooks index against what they describe: the error codes in the
// source and the specs, the runbook files and the alert rules, the example files they quote, and
// the files they link to. Each of these rots silently otherwise.

const GUIDES = join(ROOT, 'docs/guides');
const RUNBOOKS = join(ROOT, 'docs/runbooks');
const read = (path: string) => readFileSync(path, 'utf8');

/** The body of the `## <heading>` section: up to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `section "## ${heading}"`).to.be.greaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The first cell of every table row of a section whose first cell is `code` or <a>`code`. */
function firstColumnCodes(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => (line.slice(2).split(' | ')[0] as string).replace(/^<a id="[^"]*"><\/a>/, ''))
    .filter((cell) => /^`[A-Z][A-Z0-9_]*`$/.test(cell))
    .map((cell) => cell.slice(1, -1));
}

/** Relative links of a markdown file: [text](target), without the #fragment; web links left out. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

describe('unit: the guides and the runbooks index', () => {
  describe('errors.md', () => {
    const guide = read(join(GUIDES, 'errors.md'));

    it('lists every problem code the code base can answer, and none it cannot', () => {
      const inSource = problemCodesInSource();
      expect(inSource.size, 'codes found in the source').to.be.greaterThan(30);
      const listed = firstColumnCodes(section(guide, 'Every code'));
      expect([...listed].sort(), 'listed once each, in order').to.deep.equal(listed).and.to.have.length(new Set(listed).size);
      const missing = [...inSource.keys()].filter((c) => !listed.includes(c)).map((c) => `${c} (${inSource.get(c)?.join(', ')})`);
      expect(missing, 'codes in the source without a row in errors.md').to.deep.equal([]);
      expect(listed.filter((c) => !inSource.has(c)), 'rows of errors.md no code answers any more').to.deep.equal([]);
    });

    it('gives each code the anchor its problem type links to (/docs/errors#<code>)', () => {
      for (const code of firstColumnCodes(section(guide, 'Every code'))) expect(guide).to.include(`<a id="${code}"></a>\`${code}\``);
    });

    it('lists every code the OpenAPI documents show', () => {
      const listed = firstColumnCodes(section(guide, 'Every code'));
      expect(problemCodesInSpecs().filter((c) => !listed.includes(c))).to.deep.equal([]);
    });

    it('lists exactly the order failure reasons of the order service', () => {
      const reasons = orderFailureReasons();
      expect(reasons.length, 'failure reasons found').to.be.greaterThan(3);
      expect(firstColumnCodes(section(guide, 'Order failure reasons')).sort()).to.deep.equal(reasons);
    });
  });

  describe('docs/runbooks/README.md', () => {
    const index = read(join(RUNBOOKS, 'README.md'));

    it('links every runbook in the folder', () => {
      const files = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md');
      expect(files.length).to.be.greaterThan(0);
      const linked = new Set(relativeLinks(index));
      expect(files.filter((f) => !linked.has(f)), 'runbooks missing from the index').to.deep.equal([]);
    });

    it('has a row for every alert rule, with its severity and the runbook its runbook_url names', () => {
      const dir = join(ROOT, 'monitoring/prometheus/rules');
      const alerts: { alert: string; severity: string; runbook: string }[] = [];
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
        const doc = parseYaml(read(join(dir, file))) as { groups: { rules: { alert?: string; labels?: { severity?: string }; annotations?: { runbook_url?: string } }[] }[] };
        for (const rule of doc.groups.flatMap((g) => g.rules).filter((r) => r.alert)) {
          alerts.push({ alert: rule.alert as string, severity: rule.labels?.severity ?? '', runbook: (rule.annotations?.runbook_url ?? '').replace(/^docs\/runbooks\//, '') });
        }
      }
      expect(alerts.length, 'alert rules found').to.be.greaterThan(5);
      const rows = new Map([...section(index, 'Alerts').matchAll(/^\| (\w+) \| (\w+) \| \[[^\]]+\]\(([^)]+)\) \|/gm)].map((m) => [m[1], { severity: m[2], runbook: m[3] }]));
      for (const a of alerts) expect(rows.get(a.alert), a.alert).to.deep.equal({ severity: a.severity, runbook: a.runbook });
      expect([...rows.keys()].sort(), 'rows for alerts that no rule raises').to.deep.equal(alerts.map((a) => a.alert).sort());
    });
  });

  describe('the client guides', () => {
    const guides = readdirSync(GUIDES).filter((f) => f.endsWith('.md'));

    it('quote the examples verbatim: every block marked <!-- from docs/examples/... --> is in that file', () => {
      let quotes = 0;
      for (const file of guides) {
        for (const m of read(join(GUIDES, file)).matchAll(/<!-- from (docs\/examples\/[\w.-]+) -->\n```\w*\n([\s\S]*?)```/g)) {
          quotes++;
          const example = join(ROOT, m[1] as string);
          expect(existsSync(example), `${file} quotes ${m[1]}, which exists`).to.equal(true);
          expect(read(example), `${file}: a quote of ${m[1]} that is no longer in it`).to.include(m[2]);
        }
      }
      expect(quotes, 'quotes found').to.be.greaterThan(5);
    });

    it('link only to files that exist (the guides, the runbooks index and the examples)', () => {
      const broken: string[] = [];
      for (const file of [...guides.map((g) => join(GUIDES, g)), join(RUNBOOKS, 'README.md')]) {
        for (const target of relativeLinks(read(file))) {
          if (!existsSync(resolve(dirname(file), target))) broken.push(`${relative(ROOT, file)} → ${target}`);
        }
      }
      expect(broken).to.deep.equal([]);
    });

    it('are all listed in docs/guides/README.md', () => {
      const linked = new Set(relativeLinks(read(join(GUIDES, 'README.md'))));
      expect(guides.filter((g) => g !== 'README.md' && !linked.has(g))).to.deep.equal([]);
    });
  });
});
