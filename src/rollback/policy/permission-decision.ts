/** The answer of the permission policy: allowed, or denied naming the rule that denied. */
export type PermissionDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** The rule, as written in the service file: "permissions.channels", "permissions.request". */
      rule: string;
      /** A sentence for the person who was refused. */
      message: string;
      /** What they can do about it. */
      hint: string;
    };
