/**
 * What kube-apiserver does to Secrets and ConfigMaps before storing them: `stringData` folded into
 * base64 `data`, type defaulted to Opaque and immutable afterwards, keys and base64 values validated,
 * the `kubernetes.io/dockerconfigjson` payload checked, and `immutable: true` objects kept as they are.
 */
import { badRequest, invalid } from './api-status.js';
import type { KubeObject } from './wire-types.js';

type FieldProblem = { field: string; message: string };

const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function keyProblems(field: string, values: unknown): FieldProblem[] {
  if (values === undefined || values === null) return [];
  if (typeof values !== 'object' || Array.isArray(values))
    throw badRequest(`json: cannot unmarshal into Go struct field ${field} of type map[string]string`);
  return Object.keys(values)
    .filter((key) => !KEY.test(key) || key.length > 253)
    .map((key) => ({
      field: `${field}[${key}]`,
      message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    }));
}

function checkBase64(field: string, values: Record<string, unknown> | undefined): void {
  for (const [key, value] of Object.entries(values ?? {})) {
    if (typeof value !== 'string' || !BASE64.test(value))
      throw badRequest(`illegal base64 data at input byte 0 (in ${field}[${key}])`);
  }
}

function immutableProblems(
  object: KubeObject,
  previous: KubeObject | undefined,
  fields: string[],
): FieldProblem[] {
  if (previous?.['immutable'] !== true) return [];
  const same = fields.every((f) => JSON.stringify(object[f] ?? {}) === JSON.stringify(previous[f] ?? {}));
  const problems: FieldProblem[] = [];
  if (!same)
    problems.push({ field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' });
  if (object['immutable'] !== true)
    problems.push({ field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
  return problems;
}

export function prepareSecret(secret: KubeObject, previous?: KubeObject): KubeObject {
  const stringData = secret['stringData'] as Record<string, unknown> | undefined;
  const data = (secret['data'] as Record<string, unknown> | undefined) ?? {};
  checkBase64('data', data);
  const problems = [...keyProblems('data', data), ...keyProblems('stringData', stringData)];
  for (const [key, value] of Object.entries(stringData ?? {}))
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  delete secret['stringData'];
  if (Object.keys(data).length > 0) secret['data'] = data;
  secret['type'] ??= previous?.['type'] ?? 'Opaque';
  if (previous && previous['type'] !== secret['type'])
    problems.push({
      field: 'type',
      message: `Invalid value: "${String(secret['type'])}": field is immutable`,
    });
  if (secret['type'] === 'kubernetes.io/dockerconfigjson') {
    const payload = data['.dockerconfigjson'];
    if (typeof payload !== 'string')
      problems.push({ field: 'data[.dockerconfigjson]', message: 'Required value' });
    else {
      try {
        JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
      } catch (error) {
        problems.push({
          field: 'data[.dockerconfigjson]',
          message: `Invalid value: "<secret contents redacted>": ${(error as Error).message}`,
        });
      }
    }
  }
  problems.push(...immutableProblems(secret, previous, ['data']));
  if (problems.length > 0) throw invalid('Secret', secret.metadata.name, '', problems);
  return secret;
}

export function prepareConfigMap(configMap: KubeObject, previous?: KubeObject): KubeObject {
  const data = configMap['data'] as Record<string, unknown> | undefined;
  const binaryData = configMap['binaryData'] as Record<string, unknown> | undefined;
  checkBase64('binaryData', binaryData);
  const problems = [...keyProblems('data', data), ...keyProblems('binaryData', binaryData)];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (typeof value !== 'string')
      throw badRequest(
        `json: cannot unmarshal ${typeof value} into Go struct field ConfigMap.data of type string`,
      );
    if (binaryData && key in binaryData)
      problems.push({
        field: `data[${key}]`,
        message: `Invalid value: "${key}": duplicate of key present in binaryData`,
      });
  }
  problems.push(...immutableProblems(configMap, previous, ['data', 'binaryData']));
  if (problems.length > 0) throw invalid('ConfigMap', configMap.metadata.name, '', problems);
  return configMap;
}
