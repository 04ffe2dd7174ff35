/**
 * Every error code the bot can give, by family. A code is part of the interface: it is shown to people
 * ("Error `unknown_service`"), written to snapshots and the audit log, and compared in code, so it is a
 * union: a renamed or misspelt code fails to compile instead of silently never matching.
 *
 * Snapshots stored before a code was renamed keep the old text; they are read as plain strings.
 */

/** The `/rollback` text itself is wrong (commands/parse-command.ts); nothing was looked up. */
export type ParseErrorCode =
  | 'too_long'
  | 'bad_characters'
  | 'unclosed_quote'
  | 'unknown_option'
  | 'missing_value'
  | 'unexpected_value'
  | 'duplicate_option'
  | 'too_many_arguments'
  | 'missing_argument'
  | 'invalid_service'
  | 'invalid_version'
  | 'invalid_revision'
  | 'invalid_job_id'
  | 'unknown_strategy'
  | 'conflicting_target'
  | 'invalid_label';

/** A request the bot understood but cannot do (InputError: answered to the requester, nothing enqueued). */
export type RequestErrorCode =
  | 'unknown_service'
  | 'unknown_job'
  | 'unknown_version'
  /** A target newer than the current version, asked for without `--forward`. */
  | 'forward_needs_flag'
  /** `--recover` on a service whose strategy has no recovery (only Helm's pending-* has one). */
  | 'recover_not_supported'
  /** A version that never ran here (found only in the registry), asked for without `--allow-unlisted`. */
  | 'unlisted_needs_flag'
  /** A version that is not known and the registry could not be asked. */
  | 'version_unverified'
  | 'unknown_revision'
  | 'unknown_transaction'
  /** A version or tag that does not look like one. */
  | 'bad_version'
  | 'bad_revision'
  /** The service already runs the requested version. */
  | 'already_current'
  /** Cancel of a rollback that has ended. */
  | 'already_finished'
  | 'no_history'
  | 'no_previous_version'
  | 'no_previous_revision'
  | 'no_backups'
  | 'backup_not_found'
  /** A remedy button: the failed rollback it came from has no Deployment backup (or one of another Deployment). */
  | 'backup_missing'
  | 'backup_mismatch'
  /** A remedy button of a job that is not a failed Kubernetes rollout of this service. */
  | 'remedy_not_offered'
  | 'no_hosts'
  /** The package is not installed on the host, so there is nothing to downgrade. */
  | 'not_installed'
  /** `yum history undo` is per host: the service must have exactly one. */
  | 'transaction_needs_one_host'
  | 'unsupported_strategy'
  | 'rollback_in_progress'
  /** `/rollback release` of a service that carries no rolled-back mark. */
  | 'not_rolled_back'
  /** What was asked is not offered here (e.g. approving from a bot without approvals). */
  | 'not_available'
  | 'break_glass_not_allowed'
  | 'break_glass_needs_reason'
  /** From the CLI, for a service that needs approvals, without `--break-glass`: the CLI cannot collect them. */
  | 'approval_required'
  /** A checklist tick names a list or an item the rollback does not have (or it has not ended yet). */
  | 'unknown_checklist_item'
  /** A CLI value holds both kinds of quote followed by spaces: it cannot be passed to the command grammar. */
  | 'unquotable';

/** Permissions and the two-person rule. */
export type GovernanceErrorCode =
  | 'permission_denied'
  | 'self_approval'
  | 'not_awaiting_approval'
  /** The approval expiry timer fired early; it runs again. */
  | 'not_due'
  | 'approvals_unavailable'
  /** Slack's user-group API did not answer, so membership could not be checked. */
  | 'group_directory_unavailable';

/** The service catalog and the strategy sections it holds. */
export type CatalogErrorCode =
  | 'invalid_catalog'
  /** The service has no section for the strategy asked for. */
  | 'not_configured';

/** The job itself: queue, stores, cancel, workers. */
export type JobErrorCode =
  | 'queue_unavailable'
  | 'redis_unavailable'
  /** The worker has no strategy of the plan's name (a newer web role than worker). */
  | 'strategy_unavailable'
  /** BullMQ failed the job (repeated stalls) before the runner could end it. */
  | 'job_failed'
  /** What a step recorded for a resumed job does not parse: the step will not guess what it did. */
  | 'job_memory_unreadable'
  /** This worker lost its lock on the job; another one resumes it. */
  | 'job_abandoned'
  /** This worker is shutting down: it handed the job back to the queue at a safe point. */
  | 'job_handed_back'
  /** The site's live workers do not run the plan's strategy: nothing was queued. */
  | 'no_worker_for_strategy'
  /** Planning is done by a worker of the service's site, and none answered (none running, or too slow). */
  | 'site_planner_unavailable'
  | 'cancelled';

/** The Kubernetes API and the kubernetes strategy's steps. */
export type KubernetesErrorCode =
  | 'kubernetes_config'
  /** No cluster configured (no kubeconfig, not in a pod): the client would fall back to localhost:8080. */
  | 'kubernetes_not_configured'
  | 'kubernetes_context_unknown'
  /** 409, or a failed `test` precondition: the object changed; re-read and decide again. */
  | 'kubernetes_conflict'
  | 'kubernetes_error'
  | 'kubernetes_forbidden'
  | 'kubernetes_not_found'
  | 'kubernetes_rejected'
  | 'kubernetes_tls'
  /** 408/410/429/5xx, a timeout or a network error. */
  | 'kubernetes_unavailable'
  | 'deployment_paused'
  /** A rollout someone else is driving (healthy so far, or not yet observed): rolling back would race it. */
  | 'deployment_rollout_in_progress'
  /** A CD system manages the workload with sync on, and the service's config does not let the bot pause it. */
  | 'gitops_hold_not_allowed'
  /** The revision asked for is older than every ReplicaSet kept (revisionHistoryLimit). */
  | 'revision_pruned'
  /** On resume: the rollback was applied, but someone has changed the Deployment since. */
  | 'deployment_changed'
  | 'container_not_found'
  /** The plan's stored target does not parse (written by another version). */
  | 'invalid_target'
  | 'rollout_failed'
  | 'rollout_timeout'
  | 'verification_failed'
  | 'target_revision_changed'
  | 'target_revision_gone';

/** Commands on hosts, locally or over ssh, and the unit (systemd) steps. */
export type HostErrorCode =
  | 'bad_ssh_destination'
  | 'bad_ssh_identity'
  | 'bad_ssh_port'
  | 'ssh_auth_failed'
  | 'ssh_unreachable'
  | 'command_failed'
  | 'command_not_started'
  | 'command_timeout'
  | 'sudo_not_allowed'
  | 'host_not_configured'
  /** The plan's stored target for a host strategy does not parse. */
  | 'bad_target'
  | 'stop_failed'
  | 'start_failed'
  | 'restart_failed'
  | 'verify_failed'
  /** The change command exited 0 but the installed version is not the target. */
  | 'version_not_changed';

/** Package managers, compose, helm, git and file backups (the host strategies). */
export type StrategyErrorCode =
  | 'apt_locked'
  | 'apt_unknown_package'
  | 'apt_version_gone'
  | 'apt_install_failed'
  | 'apt_policy_failed'
  | 'yum_version_gone'
  | 'yum_transaction_gone'
  | 'yum_change_failed'
  | 'yum_list_failed'
  | 'yum_history_failed'
  | 'docker_bad_output'
  | 'docker_images_failed'
  | 'compose_images_failed'
  | 'compose_config_invalid'
  | 'compose_change_failed'
  | 'helm_bad_output'
  | 'helm_no_history'
  | 'helm_not_deployed'
  | 'helm_operation_pending'
  | 'helm_release_changed'
  | 'helm_revision_gone'
  | 'helm_history_failed'
  | 'helm_rollback_failed'
  /** The registry no longer has the image a rollback would run (checked before any change). */
  | 'image_not_pullable'
  /** A Helm release is not in a pending-* state any more when its recovery runs. */
  | 'helm_not_pending'
  | 'checkout_failed'
  | 'not_a_git_work_tree'
  /** The commit or tag to check out is not in the work tree. */
  | 'target_missing'
  | 'work_tree_modified'
  | 'backup_dir_missing'
  | 'backup_missing'
  | 'restore_failed';

/** Guards that run before the change (guards/). */
export type GuardErrorCode =
  'database_check_timeout' | 'database_check_unavailable' | 'database_incompatible';

/** Drawing the status message in Slack (render queue). */
export type SlackErrorCode =
  /** Another render of the same job holds its lock; the render waits without using up an attempt. */
  | 'render_busy'
  /** Slack's rate limit (or the bot's own limiter) has no room now: the render comes back later. */
  | 'render_deferred'
  | 'slack_rejected'
  | 'slack_unavailable'
  /** A reply to a person (response_url) that Slack no longer accepts and no channel to post it in. */
  | 'reply_undeliverable';

/** Image registries (OCI distribution API): is a tag really there, and with which digest. */
export type RegistryErrorCode =
  | 'registry_unavailable'
  | 'registry_unauthorized'
  | 'registry_forbidden'
  | 'registry_rejected'
  | 'registry_tls'
  /** A token realm on plain http for a registry reached over https: refused, credentials would leak. */
  | 'registry_insecure_realm'
  | 'registry_credentials_missing'
  | 'registry_credentials_invalid'
  | 'image_reference_invalid';

/** Versions listed from a git repository (`git ls-remote --tags`). */
export type GitSourceErrorCode = 'git_url_invalid' | 'git_unavailable' | 'git_remote_rejected';

/** The GitOps repository (`gitops.git`) and the Git host where the revert pull request is opened. */
export type GitopsGitErrorCode =
  /** git could not reach the repository (network, timeout). */
  | 'gitops_repo_unavailable'
  /** The repository refused or does not exist (no access, wrong URL or branch). */
  | 'gitops_repo_rejected'
  | 'gitops_path_missing'
  /** `git revert` of the commits conflicts with later changes: the revert is left to people. */
  | 'gitops_revert_conflict'
  | 'gitops_push_rejected'
  | 'git_host_unreachable'
  /** 5xx or 429 from the Git host's REST API. */
  | 'git_host_unavailable'
  | 'git_host_unauthorized'
  | 'git_host_forbidden'
  | 'git_host_rejected'
  | 'git_host_token_missing'
  | 'git_host_bad_response';

/** Alertmanager and Prometheus checks after a rollback. */
export type MonitoringErrorCode = 'monitoring_unavailable' | 'monitoring_forbidden' | 'monitoring_rejected';

/** Evidence bundles: reading, labels and their store. */
export type EvidenceErrorCode =
  | 'evidence_unreadable'
  | 'evidence_bad_id'
  | 'evidence_bad_label'
  | 'evidence_not_configured'
  | 'evidence_store_unavailable'
  | 'evidence_store_denied'
  | 'evidence_store_failed';

/** PagerDuty's REST API (incident notes, status updates, on-call, responders). */
export type PagerDutyErrorCode =
  | 'pagerduty_rate_limited'
  | 'pagerduty_unavailable'
  | 'pagerduty_unreachable'
  | 'pagerduty_timeout'
  | 'pagerduty_aborted'
  | 'pagerduty_bad_request'
  | 'pagerduty_unauthorized'
  | 'pagerduty_forbidden'
  | 'pagerduty_not_found'
  | 'pagerduty_rejected'
  | 'pagerduty_bad_response'
  /** The From e-mail is no PagerDuty user, so responder requests have no requester. */
  | 'pagerduty_requester_unknown'
  /** A queued rollback action body that no longer parses (it was checked when it arrived). */
  | 'pagerduty_action_invalid'
  /** An incident announcement's button whose value is not one the bot wrote. */
  | 'incident_button_invalid'
  /** A click (or a command) no listener of the bot handles: a button of an older message, another app's. */
  | 'button_not_handled';

/** The status-page webhook. */
export type StatusPageErrorCode =
  | 'status_page_rate_limited'
  | 'status_page_unavailable'
  | 'status_page_unreachable'
  | 'status_page_timeout'
  | 'status_page_rejected'
  | 'status_page_not_configured';

/** The notification outbox (Redis + BullMQ). */
export type OutboxErrorCode = 'outbox_unavailable' | 'outbox_no_deliverer';

export type ErrorCode =
  | ParseErrorCode
  | RequestErrorCode
  | GovernanceErrorCode
  | CatalogErrorCode
  | JobErrorCode
  | KubernetesErrorCode
  | HostErrorCode
  | StrategyErrorCode
  | GuardErrorCode
  | SlackErrorCode
  | RegistryErrorCode
  | GitSourceErrorCode
  | GitopsGitErrorCode
  | MonitoringErrorCode
  | EvidenceErrorCode
  | PagerDutyErrorCode
  | StatusPageErrorCode
  | OutboxErrorCode
  /** Anything thrown that is not a RollbackError (a bug, or a library's own error). */
  | 'internal';
