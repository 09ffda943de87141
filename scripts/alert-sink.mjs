#!/usr/bin/env node
// The local stack's pager, ticket system and heartbeat check (make monitor): the local Alertmanager's receivers post
// their webhooks here, POST /<receiver>, and every notification becomes one JSON line of
// .run/logs/alerts.log: {"receivedAt", "path", ...Alertmanager's webhook payload (receiver, status,
// alerts with their labels and annotations: summary, description, runbook_url, ...)}.
//
//   node scripts/alert-sink.mjs --listen 127.0.0.1:9095 --file .run/logs/alerts.log
import { Buffer } from 'node:buffer';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { listen: { type: 'string' }, file: { type: 'string' } } });
if (!values.listen || !values.file) {
  process.stderr.write('usage: scripts/alert-sink.mjs --listen <host:port> --file <alerts.log>\n');
  process.exit(2);
}
const [host, port] = [values.listen.slice(0, values.listen.lastIndexOf(':')), Number(values.listen.split(':').pop())];
const MAX_BODY = 1024 * 1024; // a webhook of hundreds of alerts is well under this

const server = createServer((req, res) => {
  const answer = (status, text) => res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
  if (req.method !== 'POST') return answer(405, 'POST a webhook');
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(400, 'not JSON');
    }
    // One write per line, so that lines of concurrent notifications never interleave.
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path make monitor passes
    appendFileSync(values.file, `${JSON.stringify({ receivedAt: new Date().toISOString(), path: req.url, ...payload })}\n`);
    answer(200, 'ok');
  });
});

server.listen(port, host, () => process.stdout.write(`alert-sink: listening on ${values.listen}, writing ${values.file}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
