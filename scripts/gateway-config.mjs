#!/usr/bin/env node
// Generates the local gateway's nginx.conf from the Kubernetes Ingress, so the
// local routing is the cluster's routing.
//
//   node scripts/gateway-config.mjs --ingress k8s/base/ingress.yaml \
//     --dir .run/nginx --listen 127.0.0.1:8080 [--status-listen 127.0.0.1:8081] customer=3001 [catalog=3002 ...]
//
// Each <service>=<port> maps an Ingress backend Service name to the port the
// service listens on locally (127.0.0.1). Writes <dir>/nginx.conf; the PID
// file, logs and temp paths all live under <dir>, so nginx runs without /etc/nginx.
// Paths follow Kubernetes semantics: Prefix matches whole path segments
// (/api/v1/auth matches /api/v1/auth and /api/v1/auth/..., not /api/v1/authx),
// Exact matches one path, the longest match wins.
// --status-listen adds a second server with nginx's connection counters at /stub_status, for
// make monitor's nginx exporter; optional, so a second gateway (the acceptance suite's) can leave it out.
// --static <service>=<dir> serves a backend Service's paths from files under <dir>, laid out as the
// URLs (e.g. <dir>/openapi.json for /openapi.json). The Service docs, which serves the API docs in
// the cluster (k8s/base/docs.yaml), is by default this checkout's docs/dist, built by make docs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';

const BODY_SIZE_ANNOTATION = 'nginx.ingress.kubernetes.io/proxy-body-size';
const SAFE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const SAFE_NAME = /^[a-z][-a-z0-9]*$/; // a Kubernetes Service name (DNS-1035 label)
const SAFE_SIZE = /^[0-9]+[kKmMgG]?$/;
const SAFE_ACCOUNT = /^[a-z_][a-z0-9_-]*$/; // a Debian user or group name (adduser's NAME_REGEX, less the trailing $)
const DOCS_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/dist');
// nginx reads no mime.types here (no /etc/nginx): the types the static files have.
// The client examples (.sh, .py, .mjs, .md under /docs/examples/) are shown as text.
const STATIC_TYPES = 'types { text/html html; application/javascript js; application/json json; text/css css; text/plain sh py mjs md; }';

// Same shape as the services' problems; nginx fills $request_id in when it answers.
const problem = (status, title, code) =>
  JSON.stringify({ type: `/docs/errors#${code}`, title, status, code, traceId: '$request_id' });

function fail(message) {
  process.stderr.write(`gateway-config: ${message}\n`);
  process.exit(1);
}

function readArgs() {
  const { values, positionals } = parseArgs({
    options: {
      ingress: { type: 'string' },
      dir: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      'status-listen': { type: 'string' },
      static: { type: 'string', multiple: true, default: [] },
    },
    allowPositionals: true,
  });
  if (!values.ingress || !values.dir) {
    fail('usage: gateway-config.mjs --ingress <file> --dir <dir> [--listen host:port] <service>=<port>...');
  }
  const ports = new Map();
  for (const pair of positionals) {
    const match = /^([a-z][-a-z0-9]*)=([0-9]{1,5})$/.exec(pair);
    if (!match) fail(`expected <service>=<port>, got '${pair}'`);
    ports.set(match[1], Number(match[2]));
  }
  const statics = new Map();
  for (const pair of values.static) {
    const match = /^([a-z][-a-z0-9]*)=(.+)$/.exec(pair);
    if (!match) fail(`expected --static <service>=<dir>, got '${pair}'`);
    statics.set(match[1], resolve(match[2]));
  }
  if (!ports.has('docs') && !statics.has('docs')) statics.set('docs', DOCS_DIST);
  for (const [name, folder] of statics) {
    if (!SAFE_PATH.test(folder)) fail(`--static ${name}: '${folder}' has characters this generator does not accept`);
  }
  for (const option of ['listen', 'status-listen']) {
    const value = values[option];
    if (value !== undefined && !/^[0-9.]+:[0-9]{1,5}$/.test(value)) fail(`--${option} must be <ip>:<port>, got '${value}'`);
  }
  return { ingressFile: resolve(values.ingress), dir: resolve(values.dir), listen: values.listen, statusListen: values['status-listen'], ports, statics };
}

function loadIngress(file) {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the Ingress named on our command line
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length > 0) fail(`${file}: ${doc.errors[0].message}`);
  }
  const ingresses = docs.map((doc) => doc.toJS()).filter((obj) => obj?.kind === 'Ingress');
  if (ingresses.length !== 1) fail(`${file}: expected exactly one Ingress, found ${ingresses.length}`);
  return ingresses[0];
}

// Ingress → [{ path, pathType, service }]
function routesOf(ingress) {
  const routes = [];
  const backendName = (backend, where) => {
    const name = backend?.service?.name;
    if (!name || !SAFE_NAME.test(name)) fail(`${where}: backend.service.name missing or invalid`);
    return name;
  };
  if (ingress.spec?.defaultBackend) {
    routes.push({ path: '/', pathType: 'Prefix', service: backendName(ingress.spec.defaultBackend, 'defaultBackend') });
  }
  for (const [i, rule] of (ingress.spec?.rules ?? []).entries()) {
    if (rule.host) process.stderr.write(`gateway-config: note: rule ${i} is for host ${rule.host}; the local gateway serves it on every host\n`);
    for (const [j, p] of (rule.http?.paths ?? []).entries()) {
      const where = `rules[${i}].http.paths[${j}]`;
      if (typeof p.path !== 'string' || !SAFE_PATH.test(p.path)) fail(`${where}: path '${p.path}' is missing or has characters this generator does not accept`);
      if (!['Prefix', 'Exact', 'ImplementationSpecific'].includes(p.pathType)) fail(`${where}: unknown pathType '${p.pathType}'`);
      routes.push({ path: p.path, pathType: p.pathType, service: backendName(p.backend, where) });
    }
  }
  return routes;
}

// One route → nginx location blocks (ImplementationSpecific is a prefix, as in ingress-nginx);
// `pass` is what each block does: proxy to the Service, or serve its files.
function locationsOf({ path, pathType }, pass) {
  if (pathType === 'Exact') return [[`= ${path}`, pass]];
  const prefix = path.replace(/\/+$/, '');
  if (prefix === '') return [['/', pass]];
  return [[`= ${prefix}`, pass], [`^~ ${prefix}/`, pass]];
}

// The stub_status server: its own listen address (local only), so the gateway's port never shows it.
const statusServer = (statusListen) => `

  server {
    listen ${statusListen};
    server_name _;
    access_log off;

    location = /stub_status {
      stub_status;
    }

    location / {
      return 404;
    }
  }`;

// Started as root, nginx runs its workers as nobody, who can't read files in a checkout under a
// private folder (a home directory, or mktemp -d's 0700): then the workers run as the owner of the
// static files, whose files they are (the services of make up run as that user too).
function workerUser(statics) {
  if (process.getuid?.() !== 0 || statics.size === 0) return '';
  // The folder may not be built yet (make docs): its nearest existing parent has the same owner.
  let folder = [...statics.values()][0];
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's --static folder
  while (!existsSync(folder)) folder = dirname(folder);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the same folder
  const { uid, gid } = statSync(folder);
  const user = execFileSync('id', ['-nu', String(uid)], { encoding: 'utf8' }).trim();
  const group = execFileSync('getent', ['group', String(gid)], { encoding: 'utf8' }).split(':')[0];
  if (!SAFE_ACCOUNT.test(user) || !SAFE_ACCOUNT.test(group)) fail(`the static files' owner ${user}:${group} is not a name this generator accepts`);
  return `user ${user} ${group};\n`;
}

// A static backend: the files under `root`, a folder's index.html for the folder (/docs → /docs/index.html).
const staticBody = (root) =>
  `root ${root};\n      ${STATIC_TYPES}\n      add_header Cache-Control "no-cache" always;\n      try_files $uri $uri/index.html =404;`;

function render({ ingressFile, dir, listen, statusListen, ports, statics }, ingress, routes) {
  const bodySize = String(ingress.metadata?.annotations?.[BODY_SIZE_ANNOTATION] ?? '1m');
  if (!SAFE_SIZE.test(bodySize)) fail(`${BODY_SIZE_ANNOTATION}: '${bodySize}' is not a size`);

  const locations = new Map();
  const skipped = [];
  const used = new Set();
  for (const route of routes) {
    let pass;
    if (ports.has(route.service)) {
      used.add(route.service);
      pass = `proxy_pass http://${route.service};`;
    } else if (statics.has(route.service)) {
      pass = staticBody(statics.get(route.service));
    } else {
      skipped.push(route);
      continue;
    }
    for (const [match, body] of locationsOf(route, pass)) {
      if (locations.has(match) && locations.get(match) !== body) fail(`path ${route.path} goes to two different services`);
      locations.set(match, body);
    }
  }
  for (const route of skipped) {
    process.stderr.write(`gateway-config: warning: ${route.path} → Service ${route.service}, which has no local port: not routed\n`);
  }
  if (!locations.has('/')) {
    locations.set('/', `default_type application/problem+json;\n      return 404 '${problem(404, 'Not Found', 'NOT_FOUND')}';`);
  }

  // Idle connections to a service are dropped well before the service drops them (its
  // KEEP_ALIVE_TIMEOUT_MS, 65 s): the other way round, a request sent as the service closes one is a 502.
  const upstreams = [...used].sort().map((name) => `  upstream ${name} {\n    server 127.0.0.1:${ports.get(name)};\n    keepalive 16;\n    keepalive_timeout 30s;\n  }`);
  const locationBlocks = [...locations].map(([match, body]) => `    location ${match} {\n      ${body}\n    }`);
  const skippedNotes = skipped.map((r) => `    # not routed (no local port for Service ${r.service}): ${r.pathType} ${r.path}`);

  return `# Generated by scripts/gateway-config.mjs from ${ingressFile}. Do not edit:
# change the Ingress and run \`make up\` (or scripts/gateway.sh start) again.
daemon on;
${workerUser(statics)}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;

events {
  worker_connections 1024;
}

http {
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;

  # Keep the client's X-Request-Id, or make one (as ingress-nginx does).
  map $http_x_request_id $req_id {
    default $http_x_request_id;
    "" $request_id;
  }

  log_format gateway escape=json '{"time":"$time_iso8601","requestId":"$req_id","remote":"$remote_addr",'
    '"method":"$request_method","uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,'
    '"seconds":$request_time,"upstream":"$upstream_addr","upstreamStatus":"$upstream_status"}';
  access_log ${dir}/access.log gateway;

  server_tokens off;
  default_type application/octet-stream;
  client_max_body_size ${bodySize};
  keepalive_timeout 65s;

${upstreams.join('\n\n')}

  server {
    listen ${listen};
    server_name _;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host $host;
    proxy_set_header X-Forwarded-Port $server_port;
    proxy_set_header X-Request-Id $req_id;
    proxy_set_header traceparent $http_traceparent;
    proxy_set_header tracestate $http_tracestate;
    proxy_connect_timeout 5s;
    proxy_read_timeout 60s;

    # Errors the gateway itself produces, as problem+json like the services' own.
    error_page 413 @payload_too_large;
    error_page 502 @bad_gateway;
    error_page 504 @gateway_timeout;

    location = /health {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }

${[...locationBlocks, ...skippedNotes].join('\n\n')}

    location @payload_too_large {
      default_type application/problem+json;
      return 413 '${problem(413, 'Payload Too Large', 'PAYLOAD_TOO_LARGE')}';
    }

    location @bad_gateway {
      default_type application/problem+json;
      return 502 '${problem(502, 'Bad Gateway', 'BAD_GATEWAY')}';
    }

    location @gateway_timeout {
      default_type application/problem+json;
      return 504 '${problem(504, 'Gateway Timeout', 'GATEWAY_TIMEOUT')}';
    }
  }${statusListen ? statusServer(statusListen) : ''}
}
`;
}

/* eslint-disable security/detect-non-literal-fs-filename -- the output directory named on our command line */
function writeAtomically(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
/* eslint-enable security/detect-non-literal-fs-filename */

const args = readArgs();
const ingress = loadIngress(args.ingressFile);
const out = resolve(args.dir, 'nginx.conf');
writeAtomically(out, render(args, ingress, routesOf(ingress)));
// eslint-disable-next-line security/detect-non-literal-fs-filename -- nginx makes its temp dirs, not their parent
mkdirSync(resolve(args.dir, 'tmp'), { recursive: true });
process.stderr.write(`gateway-config: wrote ${out}\n`);
