import type { RecordsVarsMap } from "../../../src/core/templates/registry-records.js";
import { HOSTILE, incident } from "./shared.js";

/**
 * Variables for every records template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
const partner = { id: "INC-7", title: HOSTILE, severity: "SEV3", channel: "C1" };

export const RECORDS_SAMPLES: { [N in keyof RecordsVarsMap]: RecordsVarsMap[N] } = {
  "merged-into": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    actor: "U0ALICE",
    target: partner,
  },
  "merged-in": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    actor: "U0ALICE",
    duplicate: partner,
    raised: { from: HOSTILE, to: HOSTILE },
    updateEvery: 30 * 60_000,
    nextUpdateDue: "2026-11-20T23:00:00Z",
    timezone: HOSTILE,
  },
  "merged-dm": { incident: incident({ title: HOSTILE }), severity: "SEV1", target: partner },
  "merge-announcement": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    actor: "U0BOB",
    target: partner,
    raised: { from: "SEV3", to: "SEV1" },
  },
  subscribed: { incident: incident({ title: HOSTILE }), channel: "C1", already: false },
  unsubscribed: { incident: incident({ title: HOSTILE }), channel: "C1", wasNot: true },
  "note-added": { incident: incident({ title: HOSTILE }), text: HOSTILE },
  "message-pinned": {
    incident: incident({ title: HOSTILE }),
    author: "U0BOB",
    text: HOSTILE,
    already: false,
    unreadable: false,
  },
  timeline: {
    incident: incident({ title: HOSTILE }),
    timezone: "Europe/Berlin",
    omitted: 3,
    total: 6,
    events: [
      {
        at: "2026-11-20T22:05:00Z",
        actor: "U0BOB",
        is: { note_added: true },
        kind: "note added",
        text: HOSTILE,
      },
      {
        at: "2026-11-20T22:06:00Z",
        actor: "U0ALICE",
        is: { message_pinned: true },
        kind: "message pinned",
        text: HOSTILE,
        user: HOSTILE,
        link: HOSTILE,
      },
      {
        at: "2026-11-20T22:07:00Z",
        is: { participants_invited: true },
        kind: "participants invited",
        users: [{ id: "U0ALICE" }, { id: HOSTILE }],
      },
    ],
  },
  "incident-list": {
    timezone: "Europe/Berlin",
    none: false,
    omitted: 0,
    total: 2,
    incidents: [
      {
        id: "INC-12",
        title: HOSTILE,
        severity: "SEV1",
        state: HOSTILE,
        commander: "U0BOB",
        channel: "C1",
        age: 60_000,
        createdAt: "2026-11-20T22:05:00Z",
        nextUpdateDue: "2026-11-20T23:00:00Z",
      },
      {
        // Followed on another platform: named in plain words, never by an id.
        id: "INC-13",
        title: HOSTILE,
        severity: "SEV2",
        state: "acknowledged",
        platform: "Slack",
        channelName: HOSTILE,
        commanderName: HOSTILE,
        age: 120_000,
        createdAt: "2026-11-20T22:04:00Z",
      },
    ],
  },
};
