/** Scripted API failures: the next N requests matching method and path get a metav1.Status error instead. */
import { faultStatus, type ApiError } from './api-status.js';

export interface Fault {
  method?: string;
  /** Tested against the path without the query string and against the path with it. */
  path: RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** The Status reason (default: the one kube-apiserver uses for that code, e.g. InternalError for 500). */
  reason?: string;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export class FaultInjector {
  private readonly faults: ArmedFault[] = [];

  inject(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  /** The error the request must fail with, if an armed fault matches it (consuming one use). */
  take(method: string, pathname: string, fullPath: string): ApiError | undefined {
    const armed = this.faults.find(
      ({ fault, remaining }) =>
        remaining > 0 &&
        (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase()) &&
        (matches(fault.path, pathname) || matches(fault.path, fullPath)),
    );
    if (!armed) return undefined;
    armed.remaining -= 1;
    return faultStatus(armed.fault.status, armed.fault.reason, objectOf(pathname));
  }
}

/** `deployments.apps "kaizen"`, for messages naming the object, from a resource URL path. */
function objectOf(pathname: string): { qualifiedResource: string; name: string } | undefined {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(?:namespaces\/[^/]+\/)?([^/]+)\/([^/]+)/.exec(
    pathname,
  );
  if (!match) return undefined;
  const [, group, resource = '', name = ''] = match;
  return { qualifiedResource: group ? `${resource}.${group}` : resource, name };
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
