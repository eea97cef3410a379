// Every template's sample variables, with hostile text wherever a person can type: the templates' unit tests,
// the Mattermost rendering tests and the cross-platform contract suite all render these.
import type { TemplateName, TemplateVarsMap } from "../../../src/core/templates/index.js";
import { AFTER_DEPLOY_SAMPLES } from "./after-deploy.js";
import { AFTER_FOLLOWUPS_SAMPLES } from "./after-followups.js";
import { AFTER_LOG_SAMPLES } from "./after-log.js";
import { AFTER_POSTMORTEM_SAMPLES } from "./after-postmortem.js";
import { AFTER_STATUS_SAMPLES } from "./after-status.js";
import { CORE_SAMPLES } from "./core.js";
import { LIFECYCLE_SAMPLES } from "./lifecycle.js";
import { ONCALL_CATALOG_SAMPLES } from "./oncall-catalog.js";
import { ONCALL_CHANGES_SAMPLES } from "./oncall-changes.js";
import { ONCALL_DUTY_SAMPLES } from "./oncall-duty.js";
import { ONCALL_NOTICES_SAMPLES } from "./oncall-notices.js";
import { ONCALL_PLAN_SAMPLES } from "./oncall-plan.js";
import { RECORDS_SAMPLES } from "./records.js";
import { REQUESTS_SAMPLES } from "./requests.js";
import { ROLES_SAMPLES } from "./roles.js";

/** Typed so that a template added without a sample fails to compile here. */
export const TEMPLATE_SAMPLES: { [N in TemplateName]: TemplateVarsMap[N] } = {
  ...CORE_SAMPLES,
  ...LIFECYCLE_SAMPLES,
  ...ROLES_SAMPLES,
  ...RECORDS_SAMPLES,
  ...REQUESTS_SAMPLES,
  ...ONCALL_DUTY_SAMPLES,
  ...ONCALL_CHANGES_SAMPLES,
  ...ONCALL_PLAN_SAMPLES,
  ...ONCALL_NOTICES_SAMPLES,
  ...ONCALL_CATALOG_SAMPLES,
  ...AFTER_DEPLOY_SAMPLES,
  ...AFTER_STATUS_SAMPLES,
  ...AFTER_LOG_SAMPLES,
  ...AFTER_POSTMORTEM_SAMPLES,
  ...AFTER_FOLLOWUPS_SAMPLES,
};
