/**
 * Secrets planted in evidence by the tests (env dumps, YAML, logs, keys): none may reach a bundle, a diff or
 * a post-mortem draft. Each is distinctive, so `not.toContain` cannot pass by accident.
 */
export const SECRETS = {
  slackBot: 'xoxb-1111111111-2222222222-PlantedSlackBot',
  slackUser: 'xoxp-3333333333-PlantedSlackUser',
  github: 'ghp_PlantedGithubToken0123456789abcdefAB',
  awsKeyId: 'AKIAPLANTEDKEY012345',
  awsSecret: 'PlantedAwsSecret/wJalrXUtnFEMIK7MDENGbPxRfiCY',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.PlantedJwtSignature_abc',
  bearer: 'PlantedBearerToken.abc123',
  dbPassword: 'PlantedDbPassword-hunter2',
  yamlPassword: 'PlantedYamlPassword correct horse',
  apiKey: 'PlantedApiKey-9f8e7d',
  urlPassword: 'PlantedUrlPassword',
  envSecret: 'PlantedEnvSecret-42',
  blockSecret: 'PlantedBlockScalarSecret',
  secretData: 'UGxhbnRlZFNlY3JldERhdGE=',
  secretStringData: 'PlantedStringData',
  privateKeyBody: 'MIIEPlantedPrivateKeyBodyLine1',
  privateKeyBody2: 'PlantedPrivateKeyBodyLine2xyz',
  cliPassword: 'PlantedCliPassword',
  queryToken: 'PlantedQueryToken',
  k8sEnv: 'PlantedKubernetesEnvValue',
} as const;

export const PLANTED_SECRETS: readonly string[] = Object.values(SECRETS);

/** A private key, as a file or a log might hold it. */
export const PLANTED_PRIVATE_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  SECRETS.privateKeyBody,
  SECRETS.privateKeyBody2,
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** Every place a secret hides in the evidence the bot collects. */
export const SECRET_LADEN_TEXT = [
  `Environment=LANG=C SLACK_BOT_TOKEN=${SECRETS.slackBot} "DB_PASSWORD=${SECRETS.dbPassword}"`,
  `AWS_ACCESS_KEY_ID=${SECRETS.awsKeyId}`,
  `export AWS_SECRET_ACCESS_KEY=${SECRETS.awsSecret}`,
  `kaizen[4243]: calling API with token ${SECRETS.github} for user x`,
  `kaizen[4243]: GET /api Authorization: Bearer ${SECRETS.bearer}`,
  `kaizen[4243]: session ${SECRETS.jwt} expired`,
  `kaizen[4243]: connecting to postgres://kaizen:${SECRETS.urlPassword}@db.internal:5432/kaizen`,
  `kaizen[4243]: slack says ${SECRETS.slackUser}`,
  `ExecStart={ path=/usr/bin/kaizen ; argv[]=/usr/bin/kaizen --password=${SECRETS.cliPassword} ; }`,
  `kaizen[4243]: fetching https://api.example.com/v1?page=2&access_token=${SECRETS.queryToken}`,
  'database:',
  `  password: ${SECRETS.yamlPassword}`,
  `  api_key: "${SECRETS.apiKey}"`,
  '  signingSecret: |',
  `    ${SECRETS.blockSecret}`,
  '    second line',
  '  host: db.internal',
  'env:',
  '- name: SESSION_SECRET',
  `  value: ${SECRETS.envSecret}`,
  '- name: DATABASE_TOKEN',
  `  value: "${SECRETS.k8sEnv}"`,
  PLANTED_PRIVATE_KEY,
  '---',
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: kaizen-db',
  'data:',
  `  username: ${SECRETS.secretData}`,
  'stringData:',
  `  connection: ${SECRETS.secretStringData}`,
].join('\n');
