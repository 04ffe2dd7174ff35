import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The `links:` section: what to have open during a rollback (the runbook: "monitoring dashboards ready"). */
export const linksSectionSchema = z
  .object({
    dashboards: z
      .array(z.object({ title: z.string().trim().min(1).max(100), url: httpUrl }).strict())
      .default([]),
    runbook: httpUrl.optional(),
  })
  .strict();

export type LinksSection = z.output<typeof linksSectionSchema>;
