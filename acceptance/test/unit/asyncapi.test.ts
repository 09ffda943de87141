/* eslint-disable security/detect-non-literal-fs-filename -- the AsyncAPI document and the contracts folder, paths of the repository */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, OperationInterface } from '@asyncapi/parser';
import { expect } from 'chai';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_EXCHANGE } from '@commerce/shared';
import { EVENTS_DIR, declaredQueues, messageTypes, publishedTypes } from '../support/bus-topology.js';

// contracts/events/asyncapi.yaml against a real AsyncAPI parser, the schema files beside it, and
// the bus as the services' code declares it (their consume calls and outbox writes).

const DOC = join(EVENTS_DIR, 'asyncapi.yaml');
/** Errors and warnings; information and hints (severity 2, 3) are advice. */
const serious = <T extends { severity: number }>(diagnostics: T[]): T[] => diagnostics.filter((d) => d.severity <= 1);

function serviceOf(op: OperationInterface): string {
  const tags = op.tags().all().map((t) => t.name());
  expect(tags, `operation ${op.id()} is tagged with exactly one service`).to.have.length(1);
  return tags[0] as string;
}

function amqp(bindings: { get(name: string): { value(): unknown } | undefined }): Record<string, unknown> {
  return (bindings.get('amqp')?.value() ?? {}) as Record<string, unknown>;
}

/** Every `$ref` in the file as written (the parser resolves them away). */
function refsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe('unit: the AsyncAPI document of the bus', () => {
  let document: AsyncAPIDocumentInterface;

  before(async function () {
    this.timeout(30_000);
    const { document: parsed, diagnostics } = await fromFile(new Parser(), DOC).parse();
    expect(serious(diagnostics).map((d) => `${d.message} at ${d.path.join('.')}`)).to.deep.equal([]);
    expect(parsed, 'the parser returned a document').to.not.equal(undefined);
    document = parsed as AsyncAPIDocumentInterface;
  });

  it('the parser rejects a broken copy (an operation on a channel that does not exist), so its verdict means something', async () => {
    const raw = parseYaml(readFileSync(DOC, 'utf8')) as { operations: Record<string, { channel: { $ref: string } }> };
    const first = Object.values(raw.operations)[0] as { channel: { $ref: string } };
    first.channel.$ref = '#/channels/noSuchChannel';
    const { diagnostics } = await new Parser().parse(stringifyYaml(raw), { source: DOC });
    expect(serious(diagnostics)).to.not.deep.equal([]);
  });

  it('references every schema file in contracts/events, the envelope included', () => {
    const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.schema.json'));
    const referenced = [...refsIn(parseYaml(readFileSync(DOC, 'utf8')))].filter((r) => r.startsWith('./')).map((r) => r.slice(2));
    expect([...new Set(referenced)].sort()).to.deep.equal(files.sort());
  });

  it('has one message per type, named after it, whose payload is the envelope with that type and its data schema', () => {
    const raw = parseYaml(readFileSync(DOC, 'utf8')) as { components: { messages: Record<string, { name: string; payload: unknown }> } };
    const messages = Object.values(raw.components.messages);
    expect(messages.map((m) => m.name).sort()).to.deep.equal(messageTypes());
    for (const m of messages) {
      expect(m.payload, m.name).to.deep.equal({
        allOf: [{ $ref: './envelope.schema.json' }, { type: 'object', properties: { type: { const: m.name }, data: { $ref: `./${m.name}.schema.json` } } }],
      });
    }
  });

  it('every queue a service consumes is a queue channel with its bindings as routing keys, and a receive operation of that service', async () => {
    const queues = await declaredQueues();
    expect(queues, 'the services declare their queues').to.not.deep.equal([]);
    const receives = document.operations().all().filter((op) => op.action() === 'receive');
    const documented = receives.map((op) => {
      const channel = op.channels().all()[0];
      const binding = amqp(channel!.bindings());
      expect(binding.is, `${op.id()} reads a queue`).to.equal('queue');
      expect((binding.queue as { name: string }).name).to.equal(channel!.address());
      const messages = op.messages().all().map((m) => m.name() as string).sort();
      expect(channel!.extensions().get('x-routing-keys')?.value(), `${channel!.address()}: x-routing-keys`).to.deep.equal(messages);
      return { service: serviceOf(op), queue: channel!.address() as string, bindings: messages };
    });
    expect(documented.sort((a, b) => a.queue.localeCompare(b.queue))).to.deep.equal(queues);
  });

  it('every type a service publishes is a send operation of that service, and nothing else is', async () => {
    const published = await publishedTypes();
    expect(published.size, 'the services publish').to.be.greaterThan(0);
    const sends = new Map<string, string[]>();
    for (const op of document.operations().all().filter((o) => o.action() === 'send')) {
      const channel = op.channels().all()[0]!;
      const binding = amqp(channel.bindings());
      expect(binding.is, `${op.id()} publishes to a routing key`).to.equal('routingKey');
      expect((binding.exchange as { name: string }).name).to.equal(DEFAULT_EXCHANGE);
      const names = op.messages().all().map((m) => m.name() as string);
      expect(names, `${op.id()}: the message type is the routing key`).to.deep.equal([channel.address()]);
      const service = serviceOf(op);
      sends.set(service, [...(sends.get(service) ?? []), ...names].sort());
    }
    expect(Object.fromEntries(sends)).to.deep.equal(Object.fromEntries(published));
  });

  it('every message type has exactly one producer', () => {
    const producers = document
      .operations()
      .all()
      .filter((op) => op.action() === 'send')
      .flatMap((op) => op.messages().all().map((m) => m.name() as string))
      .sort();
    expect(producers).to.deep.equal(messageTypes());
  });
});
