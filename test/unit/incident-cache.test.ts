import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { createIncidentCache, INCIDENT_CACHE_TTL_MS } from "../../src/http/incident-cache.js";

/** A load that counts its calls and answers with the call's number, so a test sees which read it got. */
function counted(fail: (call: number) => boolean = () => false) {
  let calls = 0;
  const load = async (): Promise<Incident[]> => {
    calls += 1;
    const call = calls;
    await new Promise((r) => setTimeout(r, 5));
    if (fail(call)) throw new Error(`read ${call} failed`);
    return [{ id: `read-${call}` } as Incident];
  };
  return { load, calls: () => calls };
}

const ids = (incidents: Incident[]) => incidents.map((i) => i.id);

describe("the shared copy of every incident", () => {
  it("is read once per 15 s however many hits, concurrent ones sharing the read in flight", async () => {
    let now = 1_000_000;
    const { load, calls } = counted();
    const cache = createIncidentCache(load, { now: () => now });
    const [a, b] = await Promise.all([cache(), cache()]);
    expect(ids(a)).toEqual(["read-1"]);
    expect(ids(b)).toEqual(["read-1"]);
    now += INCIDENT_CACHE_TTL_MS - 1;
    expect(ids(await cache())).toEqual(["read-1"]);
    expect(calls()).toBe(1);
    now += 1;
    expect(ids(await cache())).toEqual(["read-2"]);
    expect(calls()).toBe(2);
  });

  it("does not keep a failed read: the next hit reads again", async () => {
    const { load, calls } = counted((call) => call === 1);
    const cache = createIncidentCache(load, { now: () => 0 });
    await expect(cache()).rejects.toThrow("read 1 failed");
    expect(ids(await cache())).toEqual(["read-2"]);
    expect(ids(await cache())).toEqual(["read-2"]);
    expect(calls()).toBe(2);
  });
});
