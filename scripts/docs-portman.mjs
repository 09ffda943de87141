#!/usr/bin/env node
// scripts/docs-portman.mjs: the Portman configuration make docs generates the Postman collection with.
//
//   node scripts/docs-portman.mjs <openapi.json> <base portman-config.json> > <effective config.json>
//
// scripts/portman/portman-config.json holds what a person decides: the contract tests every operation
// gets (content type, JSON body, JSON schema, documented headers) and where each request takes its
// data (tokens, ids) from. What follows from the spec is added here, so it cannot rot: one exact
// status-code test per operation, its main success status (the lowest 2xx it documents).
// Portman's own statusSuccess accepts any 2xx, which would let a 200 pass for a documented 201.
/* eslint-disable security/detect-non-literal-fs-filename -- the files named on our command line */
import console from 'node:console';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const [specFile, configFile] = process.argv.slice(2);
if (!specFile || !configFile) {
  console.error('usage: docs-portman.mjs <openapi.json> <portman-config.json>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const config = JSON.parse(readFileSync(configFile, 'utf8'));

const statusTests = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of METHODS.filter((m) => item[m])) {
    const op = item[method];
    const success = Object.keys(op.responses).filter((code) => /^2\d\d$/.test(code)).sort()[0];
    if (!op.operationId || !success) {
      console.error(`docs-portman: ${method.toUpperCase()} ${path} has no operationId or no 2xx response`);
      process.exit(1);
    }
    statusTests.push({ openApiOperationId: op.operationId, openApiResponse: success, statusCode: { enabled: true, code: Number(success) } });
  }
}
config.tests.contractTests.push(...statusTests);
process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
