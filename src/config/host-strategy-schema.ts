import { hostsSectionSchema, rolloutSectionSchema } from './hosts-schema.js';
import { aptSectionSchema } from './strategies/apt-schema.js';
import { composeSectionSchema } from './strategies/compose-schema.js';
import { filesSectionSchema } from './strategies/files-schema.js';
import { gitSectionSchema } from './strategies/git-schema.js';
import { helmSectionSchema } from './strategies/helm-schema.js';
import { yumSectionSchema } from './strategies/yum-schema.js';

/**
 * Sections of a service YAML for the host strategies (helm, apt, yum, files, compose, git) and the hosts
 * they run on. Each is optional; a service configures the ones it can be rolled back with.
 */
export const hostStrategySections = {
  hosts: hostsSectionSchema.optional(),
  rollout: rolloutSectionSchema.optional(),
  helm: helmSectionSchema.optional(),
  apt: aptSectionSchema.optional(),
  yum: yumSectionSchema.optional(),
  files: filesSectionSchema.optional(),
  compose: composeSectionSchema.optional(),
  git: gitSectionSchema.optional(),
};
