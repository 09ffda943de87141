#!/usr/bin/env node
// scripts/docs-guides.mjs: the client guides (docs/guides/<name>.md) as HTML pages under /docs,
// beside the ReDoc page; make docs runs it.
//
//   node scripts/docs-guides.mjs <out dir: docs/dist/docs> <guide.md>...
//
// Writes <out>/<name>/index.html (/docs/<name>). Why: an error's problem `type` is
// /docs/errors#<code>, and the gateway should open that entry. Links are rewritten for the site: a
// guide named here → /docs/<name>, a client example (../examples/<file>, which make docs copies
// to /docs/examples/) → /docs/examples/<file>, a web address stays; a link to anything else in the
// repository (runbooks, architecture) is not on the site, so only its text is kept.
/* eslint-disable security/detect-non-literal-fs-filename -- the files named on our command line */
import console from 'node:console';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import process from 'node:process';
import { Marked } from 'marked';

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: docs-guides.mjs <out dir> <guide.md>...');
  process.exit(2);
}
const names = files.map((file) => basename(file, '.md'));
const published = new Set(names);

function siteHref(href) {
  const [path, fragment] = href.split('#', 2);
  const guide = /^([a-z0-9-]+)\.md$/.exec(path);
  if (guide && published.has(guide[1])) return `/docs/${guide[1]}${fragment === undefined ? '' : `#${fragment}`}`;
  const example = /^\.\.\/examples\/([A-Za-z0-9._-]+)$/.exec(href);
  if (example) return `/docs/examples/${example[1]}`;
  if (/^(https?:|#|\/docs\/|\/openapi\.json)/.test(href)) return href;
  return '';
}

const escape = (text) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const marked = new Marked({
  walkTokens(token) {
    if (token.type === 'link') token.href = siteHref(token.href);
  },
  renderer: {
    link(token) {
      // Not on the site: the link's text alone. false: marked's own rendering.
      return token.href === '' ? this.parser.parseInline(token.tokens) : false;
    },
  },
});

const nav = [`<a href="/docs">API reference</a>`, ...names.map((name) => `<a href="/docs/${name}">${escape(name.replaceAll('-', ' '))}</a>`)].join(' · ');

for (const [i, file] of files.entries()) {
  const markdown = readFileSync(file, 'utf8');
  const title = /^# (.+)$/m.exec(markdown)?.[1] ?? names[i];
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)} · Commerce API</title>
  <link rel="icon" href="data:,">
  <meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'">
  <style>
    body { font: 16px/1.55 system-ui, sans-serif; max-width: 56rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
    nav { font-size: 0.9rem; border-bottom: 1px solid #ddd; padding-bottom: 0.5rem; }
    code, pre { background: #f4f4f4; font-size: 0.9em; }
    pre { padding: 0.75rem; overflow: auto; }
    table { border-collapse: collapse; }
    th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
    :target, tr:has(:target) { background: #fff3b0; }
  </style>
</head>
<body>
  <nav>${nav}</nav>
  <main>
${marked.parse(markdown)}
  </main>
</body>
</html>
`;
  mkdirSync(join(outDir, names[i]), { recursive: true });
  writeFileSync(join(outDir, names[i], 'index.html'), html);
}
console.error(`docs-guides: wrote ${names.map((name) => `/docs/${name}`).join(', ')}`);
