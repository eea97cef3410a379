/**
 * Turns a time the grammar accepted (`LOCAL_TIME_FORMAT`: `2026-11-21T09:00`, with or without an offset) into
 * an instant. A time without an offset is read in the asker's zone. A wall-clock time that does not exist
 * there (inside a DST gap) is refused with a message saying why and what to type instead; one that exists
 * twice (inside a DST overlap) is the earlier occurrence, as for handoffs (rotation.ts), and says so.
 *
 * STUB: signature fixed; body to be written.
 */

export type TypedInstant =
  | {
      ok: true;
      at: Date /** Set when the time was ambiguous: what was chosen, for the reply. */;
      note?: string;
    }
  | { ok: false; message: string };

export function resolveTypedTime(_text: string, _zone: string): TypedInstant {
  throw new Error("not implemented");
}
