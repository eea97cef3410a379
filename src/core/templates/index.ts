/** The template engine: every sentence a person reads comes from a YAML file in templates/. */
export {
  type CompiledTemplate,
  compileTemplates,
  formatProblem,
  TemplateConfigError,
  type TemplateFile,
  type TemplateProblem,
} from "./compile.js";
export { escapeVars, formatTime, unescapeMarkup } from "./helpers.js";
export { fitMessage, LIMITS, splitMarkup, truncateMarkup, truncatePlain } from "./limits.js";
export { DEFAULT_TEMPLATES_DIR, loadTemplates } from "./load.js";
export {
  type HelpCommandVars,
  type IncidentVars,
  isTemplateName,
  TEMPLATE_NAMES,
  TEMPLATE_VARIABLES,
  type TemplateName,
  type TemplateVars,
  type TemplateVarsMap,
} from "./registry.js";
export { createTemplates, renderTemplate, type Templates } from "./render.js";
