import { expect } from 'chai';
import type { Request, Response } from 'express';
import { ValidationError } from '../../src/errors.js';
import { canonicalJson, fingerprintOf, requireIdempotencyKey, sendStored } from '../../src/idempotency/index.js';

function fakeRequest(headers: Record<string, string>): Request {
  return { get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
}

function fakeResponse() {
  const sent: { status?: number; headers: Record<string, string>; json?: unknown; ended: boolean } = { headers: {}, ended: false };
  const res = {
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status: (code: number) => ((sent.status = code), res),
    json: (body: unknown) => ((sent.json = body), (sent.ended = true), res),
    end: () => ((sent.ended = true), res),
  };
  return { res: res as unknown as Response, sent };
}

describe('idempotency: canonical fingerprint', () => {
  it('when objects differ only in key order at any depth, then their canonical JSON and fingerprint are equal', () => {
    const a = { b: 1, a: { d: [1, 2, { z: true, y: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [1, 2, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).to.equal('{"a":{"c":"x","d":[1,2,{"y":null,"z":true}]},"b":1}');
    expect(fingerprintOf(a)).to.equal(fingerprintOf(b));
    expect(fingerprintOf(a)).to.match(/^[0-9a-f]{64}$/);
  });

  it('when array order or a value differs, then the fingerprint differs', () => {
    expect(fingerprintOf({ items: [1, 2] })).to.not.equal(fingerprintOf({ items: [2, 1] }));
    expect(fingerprintOf({ quantity: 1 })).to.not.equal(fingerprintOf({ quantity: '1' }));
    expect(fingerprintOf({ a: null })).to.not.equal(fingerprintOf({}));
  });

  it('when a property is undefined, then it counts as absent (as in JSON)', () => {
    expect(fingerprintOf({ a: 1, b: undefined })).to.equal(fingerprintOf({ a: 1 }));
    expect(canonicalJson(undefined)).to.equal('null');
  });
});

describe('idempotency: HTTP helpers', () => {
  it('when the Idempotency-Key header is present and well-formed, then requireIdempotencyKey returns it', () => {
    expect(requireIdempotencyKey(fakeRequest({ 'idempotency-key': 'b7f9c1e2-7d4a-4f0e-9a51-0c2d7e3f4a11' }))).to.equal('b7f9c1e2-7d4a-4f0e-9a51-0c2d7e3f4a11');
  });

  for (const [title, headers, code] of [
    ['missing', {}, 'IDEMPOTENCY_KEY_REQUIRED'],
    ['empty', { 'idempotency-key': '' }, 'IDEMPOTENCY_KEY_REQUIRED'],
    ['too long', { 'idempotency-key': 'k'.repeat(256) }, 'VALIDATION_FAILED'],
    ['with other characters', { 'idempotency-key': 'key with spaces' }, 'VALIDATION_FAILED'],
  ] as const) {
    it(`when the key is ${title}, then it is a 400 ValidationError ${code}`, () => {
      expect(() => requireIdempotencyKey(fakeRequest(headers)))
        .to.throw(ValidationError)
        .that.includes({ status: 400, code });
    });
  }

  it('when a stored response is sent, then its status, headers and JSON body go out', () => {
    const { res, sent } = fakeResponse();
    sendStored(res, { status: 202, headers: { Location: '/api/v1/orders/1' }, body: { orderId: '1', status: 'pending' } });
    expect(sent).to.deep.equal({ status: 202, headers: { Location: '/api/v1/orders/1' }, json: { orderId: '1', status: 'pending' }, ended: true });
  });

  it('when the stored response has no body, then it ends without one', () => {
    const { res, sent } = fakeResponse();
    sendStored(res, { status: 204, headers: {}, body: null });
    expect(sent).to.deep.equal({ status: 204, headers: {}, ended: true });
  });
});
