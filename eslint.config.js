import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, top to bottom. A folder may import its own files and any folder in a lower layer;
 * never one in a higher layer, nor a sibling in its own layer. README "Architecture" explains each one.
 */
const LAYERS = [
  ['cli'], // the rollback-bot command: a second entry point that reuses main's builders
  ['main'], // composition root: reads the environment, builds everything, starts the roles
  ['transport', 'surfaces'], // in: Slack, console, HTTP (verify, parse, ack, enqueue); out: draw snapshots
  ['render'], // snapshot and reply -> Slack blocks, HTML, terminal text
  ['commands', 'queue', 'outbox'], // the command grammar and handler; BullMQ queues and workers; notification outbox
  ['stores', 'targets', 'evidence'], // adapters behind the domain's ports: Redis; Kubernetes, shell, files; evidence bundles
  ['rollback'], // the domain: plans, steps, runner, strategies, the ports it declares
  ['config'], // service catalog schema and loader
  ['errors', 'observability'], // error types and codes; logger and metrics
];

/** Packages that belong to adapters: the domain reaches them only through its ports. */
const ADAPTER_PACKAGES = [
  '@slack/*',
  '@pagerduty/*',
  'bullmq',
  'ioredis',
  'execa',
  'fastify',
  '@fastify/*',
  'prom-client',
  'pino',
  'node:fs',
  'fs',
  'node:fs/*',
  'fs/*',
  'node:child_process',
  'child_process',
  'node:http',
  'node:https',
  'node:net',
];

const NO_SHELL = [
  { name: 'child_process', message: 'Run commands with execa argument arrays.' },
  { name: 'node:child_process', message: 'Run commands with execa argument arrays.' },
];

/** Every folder the one at `index` of `flat` may not import: those in higher layers and its siblings. */
function forbiddenFor(folder) {
  const layer = LAYERS.findIndex((names) => names.includes(folder));
  return LAYERS.flatMap((names, index) =>
    index < layer ? names : index === layer ? names.filter((n) => n !== folder) : [],
  );
}

/** Matches a relative import that enters one of `folders` (`../../targets/shell/x.js`, `../queue/y.js`). */
function folderPattern(folders, folder) {
  return {
    regex: `^\\.{1,2}/(?:\\.\\./)*(?:${folders.join('|')})/`,
    message: `${folder}/ sits below these folders and may not import them (layers in eslint.config.js, README "Architecture").`,
  };
}

function layerRules(folder) {
  const patterns = [folderPattern(forbiddenFor(folder), folder)];
  if (folder === 'rollback') {
    patterns.push({
      group: ADAPTER_PACKAGES,
      message:
        'The domain never imports adapter code: declare a port in rollback/ports/ and implement it in targets/ or stores/.',
    });
    patterns.push({
      group: ['@kubernetes/client-node'],
      allowTypeImports: true,
      message:
        'The domain may use the Kubernetes object types, never the client: use the KubernetesCluster port.',
    });
    patterns.push({
      regex: '/observability/metrics(\\.js)?$',
      message: 'The domain does not count metrics: wrap a port (see stores/metrics-progress-store.ts).',
    });
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: NO_SHELL, patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: NO_SHELL }],
    },
  },
  ...LAYERS.flat().map(layerRules),
);
