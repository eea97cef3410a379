import type { Severity } from "./incident/incident.js";
import type {
  DeploySettings,
  EscalationPolicy,
  LifecycleSettings,
  OncallRotation,
  Person,
  PostmortemSettings,
  ReminderSettings,
  RoleSettings,
  Service,
  SeverityPolicy,
} from "./oncall/types.js";

/** The validated configuration the core and handlers work with (built from the YAML file by src/config). */
export interface Settings {
  timezone: string;
  announceChannel: string;
  channelNameTemplate: string;
  people: Person[];
  /** Layers by precedence, each a cycle of members; overrides (from Redis) are laid over them. */
  rotations: OncallRotation[];
  policies: EscalationPolicy[];
  services: Service[];
  fallbackPolicy?: string;
  severities: Record<Severity, SeverityPolicy>;
  /** When an overdue status update is also sent by DM, and when it escalates. */
  reminders: ReminderSettings;
  /** Who may act on any incident beyond its own commander and communications lead. */
  roles: RoleSettings;
  /** How long offers, calls for help and the reporters' confirmation wait. */
  lifecycle: LifecycleSettings;
  /** When post-mortems are due and how often their owners are reminded. */
  postmortem: PostmortemSettings;
  /** Which deploy environments are production. */
  deploys: DeploySettings;
}
