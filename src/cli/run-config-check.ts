import { stringify } from 'yaml';
import { CatalogError, formatProblem } from '../config/catalog-error.js';
import { loadCatalog } from '../config/load-catalog.js';
import { permissionWarnings } from '../config/permission-warnings.js';
import { redactConfig } from '../config/redact-config.js';
import { unsetVariableWarnings } from '../config/unset-variable-warnings.js';
import { ConfigError, type AppConfig } from '../main/app-config.js';
import type { CliContext } from './cli-context.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * `config check [--print]`: validates the environment and the service catalog without touching Redis or
 * any cluster. Prints every problem with its file and field (exit 1); on success a summary, a warning
 * for each service open to more people than its file names or naming a variable that is not set (exit 0),
 * and with `--print` the whole configuration with secrets redacted.
 */
export async function runConfigCheck(options: { print?: boolean }, context: CliContext): Promise<ExitCode> {
  const { io } = context;
  let config: AppConfig;
  try {
    config = context.config();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(
      [
        '✖ The environment has problems:',
        ...error.problems.map((p) => `  ${p}`),
        '  See .env.example for every variable.',
      ].join('\n'),
    );
    return EXIT.failed;
  }
  try {
    const catalog = await loadCatalog(config.servicesDir);
    const services = catalog.names().map((name) => catalog.get(name));
    io.out(
      `✔ Configuration is valid: ${services.length} service${services.length === 1 ? '' : 's'} in ${config.servicesDir} (${catalog.names().join(', ')}).`,
    );
    const warnings = catalog
      .all()
      .flatMap((service) => permissionWarnings(service).map((warning) => `  ${service.name}: ${warning}`));
    if (warnings.length > 0) io.err(['⚠ Open permissions:', ...warnings].join('\n'));
    const unset = catalog
      .all()
      .flatMap((service) =>
        unsetVariableWarnings(service, config).map((warning) => `  ${service.name}: ${warning}`),
      );
    if (unset.length > 0) io.err(['⚠ Unset variables:', ...unset].join('\n'));
    if (options.print) io.out(stringify(redactConfig({ environment: config, services }), { lineWidth: 0 }));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    const count = error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`;
    io.err(
      [
        `✖ The service catalog (${config.servicesDir}) has ${count}:`,
        ...error.problems.map((p) => `  ${formatProblem(p)}`),
        '  docs/service-catalog.md describes every field.',
      ].join('\n'),
    );
    return EXIT.failed;
  }
}
