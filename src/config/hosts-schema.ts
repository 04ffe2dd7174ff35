import { z } from 'zod';

/** The `hosts:` section of a service YAML: where host strategies run. (Placeholder until host strategies land.) */
export const hostsSectionSchema = z.array(z.object({ name: z.string().min(1) }).passthrough());
export type HostsSection = z.output<typeof hostsSectionSchema>;
