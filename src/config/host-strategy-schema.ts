import { z } from 'zod';

/**
 * Sections of a service YAML for the host strategies (helm, apt, yum, files, compose, git) and the hosts
 * they run on. Each is optional; a service configures the ones it can be rolled back with.
 */
export const hostStrategySections = {
  helm: z.object({}).passthrough().optional(),
  apt: z.object({}).passthrough().optional(),
  yum: z.object({}).passthrough().optional(),
  files: z.object({}).passthrough().optional(),
  compose: z.object({}).passthrough().optional(),
  git: z.object({}).passthrough().optional(),
};
